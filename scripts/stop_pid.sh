# Sourced by the scripts that start background processes (check-observability.sh, soak.sh).
# stop_pid PID SECONDS: SIGTERM, then up to SECONDS for the process to exit, then SIGKILL; reaps
# it. Nothing happens for an empty or dead PID.
stop_pid() {
  local pid=$1 wait=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 "$wait"); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
