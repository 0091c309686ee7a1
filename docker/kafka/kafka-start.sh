#!/bin/bash
# Starts one KRaft node of the unlearn/kafka image: writes server.properties from the environment, formats the
# storage directory once (a restarted container keeps its data) and runs kafka.Kafka in the foreground.
#
#   KAFKA_NODE_ID            node id (default 1)
#   KAFKA_PROCESS_ROLES      broker,controller (default: combined) | broker | controller
#   KAFKA_CLUSTER_ID         cluster id, the same on every node (a base64 UUID; default: a fixed one for one node)
#   KAFKA_CONTROLLER_QUORUM_VOTERS  id@host:9093,... (default: this node alone)
#   KAFKA_ADVERTISED_HOST    host name clients inside the network use (default: the container's host name)
#   KAFKA_EXTERNAL_ADVERTISED  host:port advertised on a second client listener on :19092, for clients outside the
#                            network (compose: the published port); unset = no such listener
#   KAFKA_WAIT_FOR_FILE      wait for this file and source it first (Testcontainers writes KAFKA_EXTERNAL_ADVERTISED
#                            into it once the mapped port is known)
#   KAFKA_CFG_<KEY>          any further broker setting, key upper-cased with dots as underscores
#                            (KAFKA_CFG_MIN_INSYNC_REPLICAS=2 sets min.insync.replicas=2); wins over the defaults
#   KAFKA_HEAP_OPTS          JVM heap (default -Xmx512m -Xms512m)
set -euo pipefail

if [ -n "${KAFKA_WAIT_FOR_FILE:-}" ]; then
  while [ ! -s "$KAFKA_WAIT_FOR_FILE" ]; do sleep 0.1; done
  # shellcheck disable=SC1090
  . "$KAFKA_WAIT_FOR_FILE"
fi

node_id="${KAFKA_NODE_ID:-1}"
roles="${KAFKA_PROCESS_ROLES:-broker,controller}"
host="${KAFKA_ADVERTISED_HOST:-$(hostname)}"
voters="${KAFKA_CONTROLLER_QUORUM_VOTERS:-${node_id}@${host}:9093}"
cluster_id="${KAFKA_CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}"
data="${KAFKA_DATA_DIR:-/var/lib/kafka/data}"
conf=/tmp/server.properties

listeners=()
advertised=()
protocols="CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
if [[ "$roles" == *broker* ]]; then
  listeners+=("PLAINTEXT://0.0.0.0:9092")
  advertised+=("PLAINTEXT://${host}:9092")
  if [ -n "${KAFKA_EXTERNAL_ADVERTISED:-}" ]; then
    listeners+=("EXTERNAL://0.0.0.0:19092")
    advertised+=("EXTERNAL://${KAFKA_EXTERNAL_ADVERTISED}")
    protocols="$protocols,EXTERNAL:PLAINTEXT"
  fi
fi
if [[ "$roles" == *controller* ]]; then
  listeners+=("CONTROLLER://0.0.0.0:9093")
fi
join() { local IFS=,; echo "$*"; }

voter_count=$(tr ',' '\n' <<<"$voters" | grep -c .)
{
  echo "process.roles=$roles"
  echo "node.id=$node_id"
  echo "controller.quorum.voters=$voters"
  echo "controller.listener.names=CONTROLLER"
  echo "listeners=$(join "${listeners[@]}")"
  if [ ${#advertised[@]} -gt 0 ]; then
    echo "advertised.listeners=$(join "${advertised[@]}")"
    echo "inter.broker.listener.name=PLAINTEXT"
  fi
  echo "listener.security.protocol.map=$protocols"
  echo "log.dirs=$data"
  # One node cannot hold three replicas; from three voters on, the production settings.
  if [ "$voter_count" -ge 3 ]; then rf=3; isr=2; else rf=1; isr=1; fi
  echo "default.replication.factor=$rf"
  echo "min.insync.replicas=$isr"
  echo "offsets.topic.replication.factor=$rf"
  echo "transaction.state.log.replication.factor=$rf"
  echo "transaction.state.log.min.isr=$isr"
  echo "share.coordinator.state.topic.replication.factor=$rf"
  echo "share.coordinator.state.topic.min.isr=$isr"
  echo "num.partitions=3"
  echo "auto.create.topics.enable=false"
  echo "group.initial.rebalance.delay.ms=0"
  env | sed -n 's/^KAFKA_CFG_\([A-Z0-9_]*\)=\(.*\)$/\1=\2/p' | while IFS='=' read -r key value; do
    echo "$(tr 'A-Z_' 'a-z.' <<<"$key")=$value"
  done
} > "$conf"

mkdir -p "$data"
cp="/opt/kafka/libs/*"
if [ ! -f "$data/meta.properties" ]; then
  java -cp "$cp" kafka.tools.StorageTool format --ignore-formatted --cluster-id "$cluster_id" --config "$conf"
fi
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xmx512m -Xms512m} -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
  -Dorg.slf4j.simpleLogger.showDateTime=true -cp "$cp" kafka.Kafka "$conf"
