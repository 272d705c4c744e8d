#!/usr/bin/env bash
# `make run`: the whole portal on one machine, embedded defaults (SQLite in WAL mode, Celery on
# kombu's filesystem transport under var/broker, emails written to var/mail).
# Starts the web server, a Celery worker and Celery beat; Ctrl-C stops all three.
# Environment: PORT (default 8000), DEMO_PASSWORD (default demo-Portal-2026), and every variable
# in the README's configuration table.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-8000}"
# Links in emails and the QR code printed on issued documents use the address served here,
# unless PORTAL_BASE_URL says otherwise (a sealed PDF cannot be corrected afterwards).
export PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://127.0.0.1:$PORT}"
DEMO_PASSWORD="${DEMO_PASSWORD:-demo-Portal-2026}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-portal.settings.dev}"
# The settings put every file the portal writes under PORTAL_VAR_DIR (default ./var).
VAR_DIR="${PORTAL_VAR_DIR:-$PWD/var}"
LOG_DIR="$VAR_DIR/log"
python=".venv/bin/python"

step() { printf '\n==> %s\n' "$*"; }

step "System packages"
scripts/install-system-packages.sh

step "Python environment (.venv)"
scripts/ensure-venv.sh requirements.txt

mkdir -p "$VAR_DIR"/broker/{queue,processed,control} "$VAR_DIR"/{media,mail,log}

step "Database migrations"
"$python" manage.py migrate --noinput

step "Translations"
scripts/compile-messages.sh

step "Demo data"
# Skipped only while the command does not exist; once it does, its errors stop `make run`.
if "$python" manage.py help --commands | grep -qx seed_demo; then
  "$python" manage.py seed_demo --password "$DEMO_PASSWORD"
  demo_logins="printed above by seed_demo; password $DEMO_PASSWORD for accounts created with it"
else
  echo "The seed_demo command does not exist yet: no demo accounts were created."
  demo_logins="none yet (seed_demo does not exist)"
fi

step "Seal certificates"
# A local demo CA and a certificate per department under var/seals (SEAL_CERT_DIR); with
# SEAL_DEMO_CA=0 it only reports, and the configured certificates are used.
"$python" manage.py ensure_seal_certificates

# --- Start the three processes -----------------------------------------------------------------
# Each one runs in its own session (setsid), so that stopping it also stops its children (the
# worker's pool processes) by signalling the whole process group.
pids=()
names=()
start() {
  local name="$1"
  shift
  setsid "$@" </dev/null &
  pids+=("$!")
  names+=("$name")
}

stopping=0
stop_all() {
  [ "$stopping" -eq 1 ] && return
  stopping=1
  trap '' INT TERM
  echo
  echo "Stopping the web server, the Celery worker and Celery beat..."
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  # The worker finishes the task in hand (warm shutdown); give everything 20 seconds.
  local deadline=$((SECONDS + 20))
  for pid in "${pids[@]}"; do
    while kill -0 -- "-$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
      sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  echo "Stopped."
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

step "Starting the portal"
# The web and worker processes share their request and task figures through this folder
# (/metrics, prometheus-client's multiprocess mode); emptied at each start.
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-$VAR_DIR/metrics}"
rm -rf "$PROMETHEUS_MULTIPROC_DIR"
mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
start web "$python" manage.py runserver "127.0.0.1:$PORT" --noreload
start worker .venv/bin/celery -A portal worker -l info -Q celery,pdf >>"$LOG_DIR/worker.log" 2>&1
start beat .venv/bin/celery -A portal beat -l info >>"$LOG_DIR/beat.log" 2>&1

# Wait until the web server answers, or report which process gave up.
ready=0
for _ in $(seq 1 150); do
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "The ${names[$i]} process exited during start-up; see the messages above" \
        "or $LOG_DIR/${names[$i]}.log." >&2
      exit 1
    fi
  done
  if "$python" - "$PORT" <<'PY' 2>/dev/null; then
import sys
import urllib.request

urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=1).read()
PY
    ready=1
    break
  fi
  sleep 0.2
done
if [ "$ready" -ne 1 ]; then
  echo "The web server did not answer on port $PORT within 30 seconds." >&2
  exit 1
fi

cat <<EOF

  The portal is running:   http://127.0.0.1:$PORT/
  Printed on documents:    $PORTAL_BASE_URL (PORTAL_BASE_URL)
  Demo sign-ins:           $demo_logins
  Emails sent:             $VAR_DIR/mail/
  Worker and beat logs:    $LOG_DIR/worker.log, $LOG_DIR/beat.log
  Press Ctrl-C to stop.

EOF

# Run until Ctrl-C, or until one of the three stops on its own (then stop the others too).
status=0
wait -n "${pids[@]}" || status=$?
for i in "${!pids[@]}"; do
  if ! kill -0 "${pids[$i]}" 2>/dev/null; then
    echo "The ${names[$i]} process stopped (exit status $status); stopping the others." >&2
  fi
done
exit "$status"
