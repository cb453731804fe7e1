#!/usr/bin/env bash
# The main job until the end-to-end demo exists: a dev broker and the four workers on this
# machine, each logging to .run/<name>.log, until Ctrl-C. Health: curl localhost:9101/health/ready
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build -c release --product postpurchase
for worker in tracking-worker followup-worker returns-worker loyalty-worker; do
  swift build -c release --product "$worker"
done
bin=$(swift build -c release --show-bin-path)
mkdir -p .run
rm -f .run/bootstrap
pids=()
broker_pid=""
stopped=""
cleanup() {
  [ -n "$stopped" ] && return
  stopped=1
  echo "==> stopping the workers (they drain and commit), then the dev broker"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$broker_pid" ] && kill -TERM "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null || true
}
trap cleanup EXIT INT TERM
# Its own session: Ctrl-C reaches the workers, and the broker stops only after they have drained.
setsid "$bin/postpurchase" dev-broker --bootstrap-file .run/bootstrap > .run/dev-broker.log 2>&1 &
broker_pid=$!
for _ in $(seq 1 100); do [ -s .run/bootstrap ] && break; sleep 0.1; done
export KAFKA_BOOTSTRAP_SERVERS=$(cat .run/bootstrap)
export POSTPURCHASE_DATA_DIR=${POSTPURCHASE_DATA_DIR:-.run/data}
echo "==> dev broker at $KAFKA_BOOTSTRAP_SERVERS"
for worker in tracking-worker followup-worker returns-worker loyalty-worker; do
  "$bin/$worker" > ".run/$worker.log" 2>&1 &
  pids+=($!)
  echo "==> started $worker (log: .run/$worker.log)"
done
sleep 5
for port in 9101 9102 9103 9104; do
  printf '   :%s /health/ready -> %s\n' "$port" "$(curl -s "localhost:$port/health/ready" || echo down)"
done
echo "==> publish with: $bin/postpurchase publish --bootstrap $KAFKA_BOOTSTRAP_SERVERS --topic orders --type order.cancelled --data '{\"orderId\":\"o-1\"}'"
echo "==> Ctrl-C stops everything"
wait "${pids[@]}"
