#!/bin/sh
# Entry point of the model-registry image.
set -e
exec java -cp '/opt/unlearn/app/*:/opt/unlearn/lib/*' io.unlearn.registry.ModelRegistryApp "$@"
