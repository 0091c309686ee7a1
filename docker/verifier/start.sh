#!/bin/sh
# Entry point of the verifier image.
set -e
exec java -cp '/opt/unlearn/app/*:/opt/unlearn/lib/*' io.unlearn.verifier.VerifierApp "$@"
