#!/usr/bin/env bash
# `make bench`: the load benchmark (docs/performance.md explains every figure).
#
#   make bench                                      10,000 applications (a short run)
#   BENCH_SCALES=10000,100000,1000000 make bench    each scale, then the 1M/10k ratios
#
# Without DATABASE_URL, it starts what it needs as .ci/run does: a PostgreSQL cluster of its own,
# `bench` on port 5433 (production-like settings, never CI's `main` cluster), and Redis on 6379.
# Each scale has its own database, portal_bench_<N>, kept between runs: a scale seeded once is
# reused (seed_scale is resumable and does nothing when the count is there). With DATABASE_URL
# (postgres://…/NAME), the scales' databases are NAME_<N> on that server instead.
#
# Environment: BENCH_SCALES (default 10000), BENCH_REQUESTS (requests per page, default 30),
# BENCH_SUBMISSIONS (default 160), BENCH_CLIENTS (default 16), BENCH_CATCH_UP (applications the
# catch-up sweep deems accepted, default 500), BENCH_REDIS_URL (default
# redis://127.0.0.1:6379/0), BENCH_PG_PORT (default 5433), BENCH_PAGES (only the pages whose
# names contain one of these comma-separated words, read-only: no submissions, sweep, audit walk
# or PDF; the results go to var/bench/pages.json). Arguments are passed to benchmarks.pdf
# (e.g. --runs 50).
set -euo pipefail
cd "$(dirname "$0")/.."

SCALES="${BENCH_SCALES:-10000}"
PG_CLUSTER=bench
PG_PORT="${BENCH_PG_PORT:-5433}"
REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/0}"
OUT_DIR=var/bench
mkdir -p "$OUT_DIR" benchmarks/results
rm -f "$OUT_DIR"/scale-*.json "$OUT_DIR"/pdf.json

header() { printf '\n=== %s\n' "$*"; }

as_postgres() { (cd / && runuser -u postgres -- "$@"); }

cluster_field() {  # cluster_field VERSION FIELD: a column of `pg_lsclusters` for the bench cluster
  pg_lsclusters -h | awk -v v="$1" -v c="$PG_CLUSTER" -v f="$2" '$1 == v && $2 == c { print $f }'
}

# Production-like settings for a machine with this much memory (docs/performance.md): a quarter
# of it for shared buffers, three quarters as the planner's cache estimate, SSD page costs.
tune_cluster() {
  local mem_mb shared cache
  mem_mb=$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)
  shared=$((mem_mb / 4)); [ "$shared" -gt 8192 ] && shared=8192
  cache=$((mem_mb * 3 / 4))
  as_postgres psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -q <<SQL
ALTER SYSTEM SET shared_buffers = '${shared}MB';
ALTER SYSTEM SET effective_cache_size = '${cache}MB';
ALTER SYSTEM SET work_mem = '32MB';
ALTER SYSTEM SET maintenance_work_mem = '512MB';
ALTER SYSTEM SET random_page_cost = 1.1;
ALTER SYSTEM SET effective_io_concurrency = 200;
ALTER SYSTEM SET max_wal_size = '4GB';
ALTER SYSTEM SET checkpoint_completion_target = 0.9;
SQL
}

start_bench_postgresql() {
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    echo "PostgreSQL is not installed (scripts/install-system-packages.sh --ci)." >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "Without DATABASE_URL, make bench creates its own PostgreSQL cluster and must run as" >&2
    echo "root; or give DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/NAME." >&2
    exit 1
  fi
  local version
  version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -1)"
  if [ -z "$(cluster_field "$version" 2)" ]; then
    echo "Creating PostgreSQL $version cluster '$PG_CLUSTER' on port $PG_PORT"
    pg_createcluster "$version" "$PG_CLUSTER" --port "$PG_PORT" >/dev/null
  fi
  PG_PORT="$(cluster_field "$version" 3)"
  if [ "$(cluster_field "$version" 4)" != "online" ]; then
    pg_ctlcluster "$version" "$PG_CLUSTER" start
  fi
  local _
  for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 0.5
  done
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT"
  if [ "$(as_postgres psql -p "$PG_PORT" -tAc 'SHOW random_page_cost')" != "1.1" ]; then
    echo "Giving the bench cluster production-like settings (restart)"
    tune_cluster
    pg_ctlcluster "$version" "$PG_CLUSTER" restart
    for _ in $(seq 1 60); do
      pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
      sleep 0.5
    done
  fi
  if [ "$(as_postgres psql -p "$PG_PORT" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'portal'")" != "1" ]; then
    as_postgres psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qc \
      "CREATE ROLE portal LOGIN PASSWORD 'portal' CREATEDB"
  fi
  BASE_URL="postgres://portal:portal@127.0.0.1:$PG_PORT/portal_bench"
}

start_redis() {
  local port
  port="$(.venv/bin/python -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).port or 6379)' "$REDIS_URL")"
  if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
    return
  fi
  echo "Starting Redis (port $port)"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir "${TMPDIR:-/tmp}"
  local _
  for _ in $(seq 1 60); do
    redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && return
    sleep 0.5
  done
  echo "Redis did not start." >&2
  exit 1
}

if [ -z "${DATABASE_URL:-}" ]; then
  header "PostgreSQL cluster '$PG_CLUSTER' and Redis"
  scripts/install-system-packages.sh --ci
  start_bench_postgresql
else
  BASE_URL="$DATABASE_URL"
fi
start_redis
scripts/compile-messages.sh

# Production settings (portal.settings.prod) plus the query-count header (benchmarks.settings).
export DJANGO_SETTINGS_MODULE=benchmarks.settings
# Production refuses a loopback or plain-http base URL for what documents print (docs/deployment.md).
export PORTAL_BASE_URL="${PORTAL_BASE_URL:-https://portal.bench.invalid}"
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')}"
export CELERY_BROKER_URL="$REDIS_URL"
export CACHE_URL="$REDIS_URL"
export PORTAL_VAR_DIR="${PORTAL_VAR_DIR:-$PWD/var/bench/portal}"
export LOG_LEVEL="${LOG_LEVEL:-ERROR}"
export BENCH_COMMAND="BENCH_SCALES=$SCALES make bench"

IFS=',' read -r -a scale_list <<<"$SCALES"
for scale in "${scale_list[@]}"; do
  scale="${scale// /}"
  url="$(.venv/bin/python -m benchmarks.dburl "$BASE_URL" "$scale")"
  header "Scale $scale: $(.venv/bin/python -m benchmarks.dburl --redact "$url")"
  DATABASE_URL="$url" .venv/bin/python -m benchmarks.prepare --scale "$scale"
  DATABASE_URL="$url" .venv/bin/python -m benchmarks.load --scale "$scale" \
    --out "$OUT_DIR/scale-$scale.json"
done

results=("$OUT_DIR"/scale-*.json)
if [ -z "${BENCH_PAGES:-}" ]; then
  header "PDF: render + seal"
  DJANGO_SETTINGS_MODULE=portal.settings.dev .venv/bin/python -m benchmarks.pdf \
    --json "$OUT_DIR/pdf.json" "$@"
  results+=("$OUT_DIR/pdf.json")
fi

header "Results"
# A selection of pages (BENCH_PAGES) is a partial run: it does not replace latest.json.
out=benchmarks/results/latest.json
[ -n "${BENCH_PAGES:-}" ] && out="$OUT_DIR/pages.json"
.venv/bin/python -m benchmarks.report --out "$out" "${results[@]}"
