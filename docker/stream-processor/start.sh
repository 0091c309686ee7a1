#!/bin/sh
# Entry point of the stream-processor image.
set -e
exec java -cp '/opt/unlearn/app/*:/opt/unlearn/lib/*' io.unlearn.streamprocessor.StreamProcessorApp "$@"
