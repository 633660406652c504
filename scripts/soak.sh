#!/bin/bash
# Soak benchmark (issue 6; not part of CI): the pipeline under a sustained load for --minutes,
# then a verdict on its health. Needs a built target/kafka-mlp.jar, Fashion-MNIST
# (apt-get install dataset-fashion-mnist) and python3-confluent-kafka.
#
#   scripts/soak.sh [--minutes 30] [--rate 1000] [--request-rate 100] [--out DIR]
#
# Starts the embedded broker (`broker`) and, in a separate JVM (-Xms1g -Xmx1g -Xmn400m
# -XX:+AlwaysPreTouch), the pipeline (`run --bootstrap-servers`); produces labeled Fashion-MNIST
# training images in the binary format at --rate records/s (looping over passes; keys train-<i>,
# so 10% are validation) plus unlabeled test images as prediction requests at --request-rate/s;
# samples the pipeline's /metrics every 10 s into DIR/soak.csv (heap used, old generation, live
# data after GC, consumer lag, samples learned, skipped batches, predictions, latency, rejected,
# records sent). After --minutes the producer stops, the pipeline gets up to 60 s to drain, and
# the summary judges:
#   heap     least-squares slope of the per-minute minimum of heap used (the trough after a
#            collection) over the second half: at most +1 MB/min (judged from 8 minutes on)
#   lag      the last third's maximum lag at most 1.5x the middle third's (or under 5 s of input)
#   steady   samples learned in every whole minute after the first within 20% of the median
#   served   predictions >= prediction requests, after the drain
# Exits 1 on FAIL. DIR (default a new /tmp/kafka-mlp-soak.XXXXXX) keeps the CSV and the logs.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
PY=/usr/bin/python3
HELPER="$ROOT/scripts/soak.py"
JAR=${KAFKA_MLP_JAR:-$ROOT/target/kafka-mlp.jar}
DATA=${SOAK_DATA:-/usr/share/datasets/fashion-mnist}
MINUTES=30 RATE=1000 REQUEST_RATE=100 OUT=''
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --request-rate) REQUEST_RATE=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "soak: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -f "$JAR" ] || { echo "soak: $JAR missing (mvn -B package -DskipTests)" >&2; exit 1; }
[ -f "$DATA/train-images-idx3-ubyte.gz" ] || { echo "soak: no Fashion-MNIST in $DATA" >&2; exit 1; }
$PY -c 'import confluent_kafka' 2>/dev/null \
  || { echo "soak: needs python3-confluent-kafka (apt-get install python3-confluent-kafka)" >&2; exit 1; }

if [ -z "$OUT" ]; then OUT=$(mktemp -d /tmp/kafka-mlp-soak.XXXXXX); else mkdir -p "$OUT"; fi
BROKER_PID='' APP_PID='' PRODUCER_PID='' SAMPLER_PID=''

# shellcheck source=stop_pid.sh
. "$ROOT/scripts/stop_pid.sh"
cleanup() {
  set +e
  touch "$OUT/stop" "$OUT/stop-sampler"
  stop_pid "$PRODUCER_PID" 40
  stop_pid "$SAMPLER_PID" 15
  stop_pid "$APP_PID" 60
  stop_pid "$BROKER_PID" 30
  rm -rf "$OUT/broker-data" "$OUT/app-data"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BROKER_PORT=$($PY "$HELPER" free-port)
METRICS_PORT=$($PY "$HELPER" free-port)
BOOTSTRAP=127.0.0.1:$BROKER_PORT
echo "soak: $MINUTES min at $RATE labeled records/s + $REQUEST_RATE requests/s; output in $OUT"

java -jar "$JAR" broker --port "$BROKER_PORT" --data-dir "$OUT/broker-data" >"$OUT/broker.log" 2>&1 &
BROKER_PID=$!
for _ in $(seq 1 120); do
  grep -q "broker ready" "$OUT/broker.log" && break
  kill -0 "$BROKER_PID" 2>/dev/null || { echo "soak: broker exited" >&2; tail -20 "$OUT/broker.log"; exit 1; }
  sleep 1
done
grep -q "broker ready" "$OUT/broker.log" || { echo "soak: broker not ready" >&2; exit 1; }

java -Xms1g -Xmx1g -Xmn400m -XX:+AlwaysPreTouch --add-modules jdk.incubator.vector -jar "$JAR" run --bootstrap-servers "$BOOTSTRAP" \
  --data-dir "$OUT/app-data" --metrics-port "$METRICS_PORT" >"$OUT/app.log" 2>&1 &
APP_PID=$!
$PY "$HELPER" wait-http "http://127.0.0.1:$METRICS_PORT/metrics" 180 "$APP_PID" \
  || { tail -30 "$OUT/app.log"; exit 1; }
echo "soak: broker on $BOOTSTRAP, pipeline metrics on :$METRICS_PORT"

$PY "$HELPER" sample "http://127.0.0.1:$METRICS_PORT/metrics" "$OUT/soak.csv" 10 \
  "$OUT/stop-sampler" "$OUT/produced" >"$OUT/sampler.log" 2>&1 &
SAMPLER_PID=$!
$PY "$HELPER" produce "$BOOTSTRAP" "$DATA" "$RATE" "$REQUEST_RATE" "$OUT/stop" "$OUT/produced" \
  >"$OUT/producer.log" 2>&1 &
PRODUCER_PID=$!

end=$((SECONDS + MINUTES * 60))
while [ $SECONDS -lt $end ]; do
  for pid in "$BROKER_PID" "$APP_PID" "$PRODUCER_PID" "$SAMPLER_PID"; do
    kill -0 "$pid" 2>/dev/null || { echo "soak: process $pid died" >&2; tail -20 "$OUT"/*.log; exit 1; }
  done
  sleep 5
done
touch "$OUT/stop"
wait "$PRODUCER_PID" || true
PRODUCER_PID=''
# Drain: up to 60 s for every request to be answered, then one last sample.
for _ in $(seq 1 60); do
  read -r _ requested <"$OUT/produced" || true
  answered=$(curl -s "http://127.0.0.1:$METRICS_PORT/metrics" \
    | awk '/^mlp_predictions_total/ {s += $NF} END {printf "%d", s}')
  [ "${answered:-0}" -ge "${requested:-0}" ] && break
  sleep 1
done
sleep 11
touch "$OUT/stop-sampler"
wait "$SAMPLER_PID" || true
SAMPLER_PID=''

set +e
$PY "$HELPER" summary "$OUT/soak.csv" "$RATE" 1024 "$MINUTES" | tee "$OUT/summary.txt"
exit "${PIPESTATUS[0]}"
