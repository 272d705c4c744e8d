#!/usr/bin/env bash
# `make stack`: the production shape on this machine, from Debian's packages and the pinned
# requirements, with portal.settings.prod:
#
#   PostgreSQL (its own data directory and port)  Redis (its own port, append-only file)
#   gunicorn (deploy/gunicorn.conf.py)            Celery workers for the queues celery and pdf
#   Celery beat                                   nginx in front, TLS from a local CA
#
#   scripts/stack.sh start     (make stack)        start everything, print the address
#   scripts/stack.sh stop      (make stack-stop)   stop everything (data is kept)
#   scripts/stack.sh status    (make stack-status) what runs
#
# Data, logs, pids, certificates and secrets live under var/stack/; the machine's own PostgreSQL
# cluster and Redis are not touched. The portal's four processes run the ExecStart lines of
# deploy/systemd/*.service with the environment file rendered from deploy/portal.env.template,
# exactly as systemd would run them (an empty environment plus that file), with this checkout
# in place of /srv/portal/app; nginx runs the site rendered from deploy/nginx/portal.conf.template.
#
# Production settings refuse a loopback or http:// PORTAL_BASE_URL, so the stack answers to a
# name of its own, portal.stack.invalid (.invalid never resolves on the internet): reach it with
#   curl --resolve portal.stack.invalid:8443:127.0.0.1 --cacert var/stack/tls/ca.crt https://portal.stack.invalid:8443/
# or an /etc/hosts line "127.0.0.1 portal.stack.invalid" and the CA in your browser.
#
# Environment: STACK_HOST (portal.stack.invalid), STACK_HTTPS_PORT (8443), STACK_HTTP_PORT (8080),
# STACK_WEB_PORT (gunicorn, 8100), STACK_PG_PORT (5434), STACK_REDIS_PORT (6380),
# STACK_WEB_WORKERS (3), STACK_LISTEN (nginx's address, 127.0.0.1), DEMO_PASSWORD
# (demo-Portal-2026), STACK_DEMO_APPLICATIONS (1; 0 seeds the demo accounts and catalogue without
# the demo applications).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

STACK_DIR="$ROOT/var/stack"
mkdir -p "$STACK_DIR"
HOST="${STACK_HOST:-portal.stack.invalid}"
HTTPS_PORT="${STACK_HTTPS_PORT:-8443}"
HTTP_PORT="${STACK_HTTP_PORT:-8080}"
WEB_PORT="${STACK_WEB_PORT:-8100}"
PG_PORT="${STACK_PG_PORT:-5434}"
REDIS_PORT="${STACK_REDIS_PORT:-6380}"
WEB_WORKERS="${STACK_WEB_WORKERS:-3}"
# The address nginx listens on; STACK_LISTEN=0.0.0.0 opens the stack to the network.
LISTEN="${STACK_LISTEN-127.0.0.1}"
LISTEN="${LISTEN:+$LISTEN:}"
DEMO_PASSWORD="${DEMO_PASSWORD:-demo-Portal-2026}"
if [ "$HTTPS_PORT" = 443 ]; then BASE_URL="https://$HOST"; else BASE_URL="https://$HOST:$HTTPS_PORT"; fi

RUN_DIR="$STACK_DIR/run"
LOG_DIR="$STACK_DIR/log"
TLS_DIR="$STACK_DIR/tls"
NGINX_DIR="$STACK_DIR/nginx"
PG_DIR="$STACK_DIR/postgresql"
if [ "$(id -u)" -eq 0 ] && [ -d "$STACK_DIR" ] && ! runuser -u postgres -- test -x "$STACK_DIR" 2>/dev/null; then
  # A checkout the postgres user cannot enter (under /root, say): the data directory goes where
  # Debian keeps PostgreSQL's, one per checkout.
  PG_DIR="/var/lib/postgresql/portal-stack-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
fi
PG_DATA="$PG_DIR/data"
ENV_FILE="$STACK_DIR/portal.env"
SECRETS_FILE="$STACK_DIR/secrets.env"
# The portal's processes, in start order; each is deploy/systemd/portal-<name>.service.
SERVICES=(worker worker-pdf beat web)
python=".venv/bin/python"

step() { printf '\n==> %s\n' "$*"; }
die() { echo "stack: $*" >&2; exit 1; }

# --- helpers -------------------------------------------------------------------------------------

pg_bin() {
  local version
  version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -1)"
  [ -n "$version" ] || die "PostgreSQL is not installed (scripts/install-system-packages.sh --stack)."
  echo "/usr/lib/postgresql/$version/bin"
}

as_pg() {  # PostgreSQL refuses to run as root: its files belong to the postgres user then.
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pg_superuser() {  # the cluster's superuser: the system user it runs as (peer authentication)
  if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

superuser_psql() {
  as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U "$(pg_superuser)" "$@"
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

curl_stack() {  # curl through nginx, with the stack's name resolved here and its CA trusted
  curl --silent --show-error --resolve "$HOST:$HTTPS_PORT:127.0.0.1" \
    --resolve "$HOST:$HTTP_PORT:127.0.0.1" --cacert "$TLS_DIR/ca.crt" "$@"
}

unit_command() {  # unit_command NAME: the unit's ExecStart, as systemd would run it, here
  local unit="deploy/systemd/portal-$1.service" line
  line="$(sed -n 's/^ExecStart=//p' "$unit")"
  [ -n "$line" ] || die "$unit has no ExecStart line."
  # Only what systemd and this script read the same way: no quotes, no $VARIABLES, and no
  # specifier but %% (a literal %).
  case "${line//%%/}" in
    *[\"\'\$%\\]*) die "$unit: ExecStart uses quoting, variables or specifiers this script does not emulate." ;;
  esac
  line="${line//%%/%}"
  echo "${line//\/srv\/portal\/app/$ROOT}"
}

unit_env() {  # the environment file's NAME=value lines, as systemd's EnvironmentFile= reads them
  grep -E '^[A-Z_][A-Z0-9_]*=' "$ENV_FILE"
}

in_unit_env() {  # run a command in the environment a unit's process gets: empty plus the file
  local lines
  mapfile -t lines < <(unit_env)
  env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$STACK_DIR/home" LANG=C.UTF-8 \
    "${lines[@]}" "$@"
}

# --- the parts -----------------------------------------------------------------------------------

make_secrets() {
  if [ ! -f "$SECRETS_FILE" ]; then
    (
      umask 077
      "$python" - >"$SECRETS_FILE" <<'PY'
import secrets

print(f"DJANGO_SECRET_KEY={secrets.token_urlsafe(64)}")
for name in ("PG_OWNER_PASSWORD", "PG_APP_PASSWORD", "REDIS_PASSWORD"):
    print(f"{name}={secrets.token_hex(24)}")
PY
    )
  fi
  # shellcheck disable=SC1090
  . "$SECRETS_FILE"
}

make_certificates() {
  mkdir -p "$TLS_DIR"
  if [ ! -f "$TLS_DIR/ca.crt" ]; then
    echo "A local certificate authority for the stack: $TLS_DIR/ca.crt"
    openssl req -x509 -newkey rsa:3072 -nodes -days 3650 -subj "/CN=Portal stack local CA" \
      -keyout "$TLS_DIR/ca.key" -out "$TLS_DIR/ca.crt" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      2>/dev/null
    chmod 600 "$TLS_DIR/ca.key"
  fi
  # A server certificate for the stack's name, made again when the name changed.
  if ! openssl x509 -in "$TLS_DIR/server.crt" -noout -checkhost "$HOST" 2>/dev/null | grep -q 'does match'; then
    echo "A server certificate for $HOST"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$HOST" -keyout "$TLS_DIR/server.key" \
      -out "$TLS_DIR/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$HOST" \
      >"$TLS_DIR/server.ext"
    openssl x509 -req -in "$TLS_DIR/server.csr" -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" \
      -CAcreateserial -days 825 -extfile "$TLS_DIR/server.ext" -out "$TLS_DIR/server.crt" 2>/dev/null
    chmod 600 "$TLS_DIR/server.key"
  fi
}

start_postgresql() {
  local bin
  bin="$(pg_bin)"
  mkdir -p "$PG_DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    echo "Creating the stack's PostgreSQL data directory $PG_DATA"
    as_pg "$bin/initdb" -D "$PG_DATA" -U "$(pg_superuser)" -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 >"$LOG_DIR/initdb.log"
  fi
  if as_pg "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    echo "PostgreSQL is already running (port $PG_PORT)."
  else
    echo "Starting PostgreSQL $(basename "$(dirname "$bin")") on 127.0.0.1:$PG_PORT"
    as_pg "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/postgresql.log" -w -t 60 \
      -o "-c port=$PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DIR" \
      start >/dev/null
  fi
  superuser_psql -d postgres -v owner_password="$PG_OWNER_PASSWORD" \
    -v app_password="$PG_APP_PASSWORD" <"$ROOT/deploy/postgresql/setup.sql"
}

start_redis() {
  if alive "$RUN_DIR/redis.pid"; then
    echo "Redis is already running (port $REDIS_PORT)."
    return
  fi
  echo "Starting Redis on 127.0.0.1:$REDIS_PORT"
  mkdir -p "$STACK_DIR/redis"
  # The password on the command line is visible to this machine's users in ps; a real server
  # keeps it in redis.conf (requirepass).
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$STACK_DIR/redis" \
    --appendonly yes --save "" --requirepass "$REDIS_PASSWORD" --daemonize yes \
    --pidfile "$RUN_DIR/redis.pid" --logfile "$LOG_DIR/redis.log"
  local _
  for _ in $(seq 1 60); do
    REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && return
    sleep 0.5
  done
  die "Redis did not start ($LOG_DIR/redis.log)."
}

render_env_file() {
  local db="127.0.0.1:$PG_PORT/portal" redis="redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT"
  (
    export DJANGO_SECRET_KEY PORTAL_BASE_URL="$BASE_URL" PORTAL_SERVER_NAME="$HOST"
    export DATABASE_URL="postgres://portal_app:$PG_APP_PASSWORD@$db"
    export CELERY_BROKER_URL="$redis/0" CACHE_URL="$redis/1"
    export PORTAL_VAR_DIR="$STACK_DIR/portal" STATIC_ROOT="$STACK_DIR/static"
    export SEAL_CERT_DIR="$STACK_DIR/portal/seals"
    export AUDIT_SIGNING_KEY_PATH="$STACK_DIR/portal/audit-signing-key.pem"
    export METRICS_ALLOWED_IPS="127.0.0.1,::1" PORTAL_WEB_BIND="127.0.0.1:$WEB_PORT"
    # Loopback only by default: the demo accounts' password is public.
    export GUNICORN_WORKERS="$WEB_WORKERS" PORTAL_HTTPS_LISTEN="$LISTEN$HTTPS_PORT"
    export PORTAL_HTTP_LISTEN="$LISTEN$HTTP_PORT" PORTAL_TLS_CERTIFICATE="$TLS_DIR/server.crt"
    export PORTAL_TLS_KEY="$TLS_DIR/server.key" NGINX_LOG_DIR="$LOG_DIR"
    umask 077
    envsubst <deploy/portal.env.template >"$ENV_FILE"
  )
  if grep -nE '^[A-Z_][A-Z0-9_]*=$' "$ENV_FILE"; then
    die "$ENV_FILE leaves the variables above empty (deploy/portal.env.template)."
  fi
}

release() {  # what docs/deployment.md says each release runs, as the schema owner
  local owner_url="postgres://portal_owner:$PG_OWNER_PASSWORD@127.0.0.1:$PG_PORT/portal"
  local var_dir
  var_dir="$(unit_env | sed -n 's/^PORTAL_VAR_DIR=//p')"
  mkdir -p "$var_dir"/{media,mail,seals} "$STACK_DIR/home"
  # The /metrics files of the web and worker processes (none runs now): emptied at each start.
  local metrics
  metrics="$(unit_env | sed -n 's/^PROMETHEUS_MULTIPROC_DIR=//p')"
  rm -rf "$metrics" && mkdir -p "$metrics"
  echo "Migrations (as portal_owner)"
  in_unit_env DATABASE_URL="$owner_url" "$python" manage.py migrate --noinput >"$LOG_DIR/migrate.log"
  echo "  $(grep -c '^  Applying' "$LOG_DIR/migrate.log" || true) migrations applied"
  echo "Privileges of portal_app (deploy/postgresql/grants.sql)"
  PGPASSWORD="$PG_OWNER_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
    -U portal_owner -d portal -f deploy/postgresql/grants.sql
  scripts/compile-messages.sh
  in_unit_env "$python" manage.py collectstatic --noinput | tail -1
  in_unit_env "$python" manage.py check --deploy --fail-level ERROR | tail -3
  echo "Demo data (manage.py seed_demo; password $DEMO_PASSWORD)"
  local seed_args=()
  [ "${STACK_DEMO_APPLICATIONS:-1}" = 0 ] && seed_args=(--no-applications)
  in_unit_env DATABASE_URL="$owner_url" "$python" manage.py seed_demo --password "$DEMO_PASSWORD" \
    "${seed_args[@]}" >"$LOG_DIR/seed_demo.log" 2>&1
  tail -5 "$LOG_DIR/seed_demo.log"
  # No government CA here: a local demo CA seals the stack's documents. portal.settings.prod
  # never makes one (SEAL_DEMO_CA is off there), so this one command runs with the dev settings.
  in_unit_env DJANGO_SETTINGS_MODULE=portal.settings.dev "$python" manage.py ensure_seal_certificates
}

check_units() {
  if command -v systemd-analyze >/dev/null 2>&1; then
    # As installed, with this checkout in place of /srv/portal/app (whose programs do not exist
    # here); any message counts as a failure (systemd-analyze exits 0 on unknown keys).
    local dir out
    dir="$(mktemp -d)"
    for unit in deploy/systemd/*; do
      sed "s#/srv/portal/app#$ROOT#g" "$unit" >"$dir/$(basename "$unit")"
    done
    out="$(systemd-analyze verify "$dir"/* 2>&1)" || true
    rm -rf "$dir"
    [ -z "$out" ] || die "systemd-analyze verify deploy/systemd: $out"
    echo "systemd-analyze verify deploy/systemd/*: no complaints"
  else
    echo "systemd-analyze is not installed: the units were not verified."
  fi
}

render_nginx() {
  mkdir -p "$NGINX_DIR"/tmp
  deploy/render-nginx-site.sh "$ENV_FILE" >"$NGINX_DIR/portal.conf"
  local user=""
  if [ "$(id -u)" -eq 0 ]; then
    # nginx's workers read the static files as www-data, as on a server; a checkout that user
    # cannot read (under /root, say) is served by workers running as root instead.
    local static
    static="$(unit_env | sed -n 's/^STATIC_ROOT=//p')"
    if runuser -u www-data -- test -r "$static/css/portal.css" 2>/dev/null; then
      user="user www-data;"
      chown www-data: "$NGINX_DIR/tmp"
    else
      echo "www-data cannot read $static: nginx's workers run as root for the stack."
      user="user root;"
    fi
  fi
  # The frame a Debian server's /etc/nginx/nginx.conf gives the site, with the stack's paths.
  cat >"$NGINX_DIR/nginx.conf" <<EOF
$user
worker_processes 2;
pid $RUN_DIR/nginx.pid;
error_log $LOG_DIR/nginx-error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path $NGINX_DIR/tmp/body;
    proxy_temp_path $NGINX_DIR/tmp/proxy;
    fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
    uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
    scgi_temp_path $NGINX_DIR/tmp/scgi;
    include $NGINX_DIR/portal.conf;
}
EOF
  nginx -t -q -e "$LOG_DIR/nginx-error.log" -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf"
  echo "nginx -t: the rendered site (var/stack/nginx/portal.conf) is valid"
}

start_service() {
  local name="$1" command
  command="$(unit_command "$name")"
  local -a argv lines
  read -r -a argv <<<"$command"
  mapfile -t lines < <(unit_env)
  # Its own session, so that stopping it stops its children (gunicorn's and Celery's pools);
  # the working directory and environment of the unit (WorkingDirectory=, EnvironmentFile=).
  setsid env -C "$ROOT" -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$STACK_DIR/home" LANG=C.UTF-8 \
    "${lines[@]}" "${argv[@]}" </dev/null >>"$LOG_DIR/$name.log" 2>&1 &
  echo $! >"$RUN_DIR/$name.pid"
  echo "  $name: $command"
}

wait_until_ready() {
  local _ code name
  for _ in $(seq 1 120); do
    for name in "${SERVICES[@]}"; do
      alive "$RUN_DIR/$name.pid" || {
        tail -20 "$LOG_DIR/$name.log" >&2
        die "the $name process exited during start-up ($LOG_DIR/$name.log)."
      }
    done
    code="$(curl_stack -o /dev/null -w '%{http_code}' "$BASE_URL/readyz" 2>/dev/null || true)"
    [ "$code" = 200 ] && return
    sleep 1
  done
  curl_stack "$BASE_URL/readyz" >&2 || true
  die "$BASE_URL/readyz did not answer 200 within 120 seconds."
}

stop_pidfile() {  # stop_pidfile NAME SECONDS: SIGTERM to its process group, SIGKILL after SECONDS
  local file="$RUN_DIR/$1.pid" pid deadline
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + $2))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    echo "  stopped $1"
  fi
  rm -f "$file"
}

# --- commands ------------------------------------------------------------------------------------

start_all() {
  step "System packages and the pinned Python requirements"
  scripts/install-system-packages.sh --stack
  scripts/ensure-venv.sh requirements.txt
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  step "Secrets and TLS certificates (var/stack/secrets.env, var/stack/tls/)"
  make_secrets
  make_certificates
  step "PostgreSQL and Redis"
  start_postgresql
  start_redis
  step "Environment file var/stack/portal.env (from deploy/portal.env.template)"
  render_env_file
  step "Release: migrations, privileges, translations, static files, checks, demo data, seals"
  release
  step "Deployment files: systemd units and the nginx site"
  check_units
  render_nginx
  step "The portal's processes (deploy/systemd/portal-*.service ExecStart)"
  for name in "${SERVICES[@]}"; do start_service "$name"; done
  echo "  nginx: https on $HTTPS_PORT, http (redirect) on $HTTP_PORT"
  nginx -e "$LOG_DIR/nginx-error.log" -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf"
  step "Waiting for $BASE_URL/readyz (database, broker, a worker on each queue)"
  wait_until_ready
  cat <<EOF

  The stack is running:  $BASE_URL/
  It answers to that name only, through nginx on 127.0.0.1, with a certificate from var/stack/tls/ca.crt:
      curl --resolve $HOST:$HTTPS_PORT:127.0.0.1 --cacert var/stack/tls/ca.crt $BASE_URL/readyz
  or add "127.0.0.1 $HOST" to /etc/hosts and trust var/stack/tls/ca.crt in your browser.
  Demo sign-ins:         the demo accounts (README), password $DEMO_PASSWORD; officials enrol a second factor
  Logs:                  var/stack/log/ (web, worker, worker-pdf, beat, nginx, redis), ${PG_DIR#"$ROOT/"}/postgresql.log
  Stop it:               make stack-stop

EOF
}

stop_all() {
  step "Stopping the stack"
  if alive "$RUN_DIR/nginx.pid"; then
    nginx -e "$LOG_DIR/nginx-error.log" -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -s quit 2>/dev/null ||
      kill -QUIT "$(cat "$RUN_DIR/nginx.pid")" 2>/dev/null || true
    local _
    for _ in $(seq 1 50); do alive "$RUN_DIR/nginx.pid" || break; sleep 0.2; done
    echo "  stopped nginx"
  fi
  stop_pidfile web 40
  stop_pidfile beat 30
  # Warm shutdown: a worker finishes the task in hand.
  stop_pidfile worker 60 &
  stop_pidfile worker-pdf 60 &
  wait
  if alive "$RUN_DIR/redis.pid"; then
    # shellcheck disable=SC1090
    [ -f "$SECRETS_FILE" ] && . "$SECRETS_FILE"
    REDISCLI_AUTH="${REDIS_PASSWORD:-}" redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 ||
      kill -TERM "$(cat "$RUN_DIR/redis.pid")" 2>/dev/null || true
    local _
    for _ in $(seq 1 50); do alive "$RUN_DIR/redis.pid" || break; sleep 0.2; done
    echo "  stopped redis"
  fi
  if [ -f "$PG_DATA/PG_VERSION" ] && as_pg "$(pg_bin)/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    as_pg "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
    echo "  stopped postgresql"
  fi
  echo "Stopped. The data stays under var/stack/ (remove that folder to start afresh)."
}

status_all() {
  local name running=0
  for name in "${SERVICES[@]}" nginx redis; do
    if alive "$RUN_DIR/$name.pid"; then
      echo "  running  $name (pid $(cat "$RUN_DIR/$name.pid"))"
      running=1
    else
      echo "  stopped  $name"
    fi
  done
  if [ -f "$PG_DATA/PG_VERSION" ] && as_pg "$(pg_bin)/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    echo "  running  postgresql (port $PG_PORT)"
    running=1
  else
    echo "  stopped  postgresql"
  fi
  [ "$running" -eq 1 ] && echo "  address  $BASE_URL/"
  return 0
}

case "${1:-start}" in
  start)
    if alive "$RUN_DIR/web.pid"; then
      echo "The stack is already running (scripts/stack.sh stop first to restart it):"
      status_all
      exit 0
    fi
    # A start that fails half-way stops what it started.
    trap 'echo "stack: the start failed; stopping what was started." >&2; stop_all' EXIT
    start_all
    trap - EXIT
    ;;
  stop) stop_all ;;
  status) status_all ;;
  url) echo "$BASE_URL" ;;
  *) echo "usage: scripts/stack.sh start|stop|status|url" >&2; exit 2 ;;
esac
