#!/bin/bash
# Creates the topics declared in topics/*.properties (see topics/README.md) on a Kafka cluster,
# the way kafka-mlp itself does: only when missing (an existing topic is left as it is), with the
# replication factor capped at the number of brokers.
# Used by docker-compose.yml's one-shot `topics` service (apache/kafka image):
#   create-topics.sh BOOTSTRAP_SERVERS TOPICS_DIR [BROKERS]
# KAFKA_TOPICS overrides the kafka-topics.sh command (default /opt/kafka/bin/kafka-topics.sh).
set -euo pipefail

bootstrap=${1:?usage: create-topics.sh BOOTSTRAP_SERVERS TOPICS_DIR [BROKERS]}
dir=${2:?usage: create-topics.sh BOOTSTRAP_SERVERS TOPICS_DIR [BROKERS]}
brokers=${3:-1}
kafka_topics=${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}

# Wait for the broker (the compose healthcheck should make this immediate).
for attempt in $(seq 1 60); do
  if $kafka_topics --bootstrap-server "$bootstrap" --list >/dev/null 2>&1; then
    break
  fi
  if [ "$attempt" = 60 ]; then
    echo "create-topics: no Kafka at $bootstrap after 120 s" >&2
    exit 1
  fi
  sleep 2
done

shopt -s nullglob
files=("$dir"/*.properties)
if [ ${#files[@]} = 0 ]; then
  echo "create-topics: no *.properties in $dir" >&2
  exit 1
fi
for file in "${files[@]}"; do
  name='' partitions=1 replication=1
  configs=()
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    case "$line" in '' | '#'* | '!'*) continue ;; esac
    key=${line%%=*}
    value=${line#*=}
    key=${key//[[:space:]]/}
    case "$key" in
      name) name=$value ;;
      partitions) partitions=$value ;;
      replication.factor) replication=$value ;;
      config.*) configs+=(--config "${key#config.}=$value") ;;
    esac
  done <"$file"
  if [ -z "$name" ]; then
    echo "create-topics: $file has no name=, skipped" >&2
    continue
  fi
  if [ "$replication" -gt "$brokers" ]; then
    replication=$brokers
  fi
  echo "create-topics: $name (partitions $partitions, replication $replication${configs:+, ${configs[*]}})"
  $kafka_topics --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor "$replication" "${configs[@]}"
done
echo "create-topics: done"
