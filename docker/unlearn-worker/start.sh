#!/bin/sh
# Entry point of the unlearn-worker image. Each replica needs its own instance.id (its transactional id is
# <worker.id>.<instance.id>): unless set, the container's host name, unique per replica of a scaled compose service
# and stable across restarts of the same container.
set -e
if [ -z "${UNLEARN_WORKER_INSTANCE_ID:-}" ]; then
  UNLEARN_WORKER_INSTANCE_ID="$(hostname)"
  export UNLEARN_WORKER_INSTANCE_ID
fi
exec java -cp '/opt/unlearn/app/*:/opt/unlearn/lib/*' io.unlearn.worker.UnlearnWorkerApp "$@"
