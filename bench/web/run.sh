#!/usr/bin/env bash
# Web load benchmark (issue 8): the demo ×10 on PostgreSQL behind gunicorn, wrk with 20
# connections against the programme dashboard, a cluster's member list, a reach figure
# page and the cheapest page of the same server; throughput as a share of the cheapest.
#
#   bench/web/run.sh                 # fresh database, migrate, generate --scale 10, measure
#   KEEP_DB=1 bench/web/run.sh       # reuse the database of an earlier run
#
# Settings (environment): PGHOST_URL (postgres://postgres@127.0.0.1:5432), DB
# (clustermonitor_bench), SCALE (10), PORT (8077), WORKERS (4, as docs/deployment.md),
# CONNECTIONS (20), THREADS (2), DURATION (20s), CLUSTER (EUKA).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="$ROOT/.venv/bin"
PGHOST_URL="${PGHOST_URL:-postgres://postgres@127.0.0.1:5432}"
DB="${DB:-clustermonitor_bench}"
SCALE="${SCALE:-10}"
PORT="${PORT:-8077}"
WORKERS="${WORKERS:-4}"
CONNECTIONS="${CONNECTIONS:-20}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-20s}"
CLUSTER="${CLUSTER:-EUKA}"
WORK="${WORK:-/tmp/clustermonitor-bench-web}"
mkdir -p "$WORK"

# Production-like: production settings, DEBUG off, hashed static files; plain HTTP on
# the loopback (no TLS proxy in front), so no HTTPS redirect and no HSTS.
export CLUSTERMONITOR_ENV=production
export SECRET_KEY="bench-not-secret-$(date +%s)"
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0
export DATABASE_URL="$PGHOST_URL/$DB"
export CLUSTERMONITOR_VAR_DIR="$WORK" STATIC_ROOT="$WORK/static" MEDIA_ROOT="$WORK/media"
export TASKS_BACKEND=immediate LOG_LEVEL=ERROR

psql_admin() { psql "$PGHOST_URL/postgres" -v ON_ERROR_STOP=1 -qtA -c "$1"; }

if [[ "${KEEP_DB:-}" != "1" ]] || [[ -z "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]]; then
  echo "== fresh database $DB, demo ×$SCALE"
  psql_admin "DROP DATABASE IF EXISTS $DB"
  psql_admin "CREATE DATABASE $DB"
  "$BIN/clustermonitor" migrate -v0
  "$BIN/clustermonitor" load-reference
  "$BIN/clustermonitor" generate --scale "$SCALE"
fi
# Planner statistics (generate runs ANALYZE too; a kept database may have been changed).
psql "$DATABASE_URL" -qtA -c "ANALYZE"
"$BIN/clustermonitor" collectstatic --noinput -v0

# A logged-in agency user: a session in the database, its key as the cookie; the session
# has passed the second step (two-factor sign-in) with a device made for the benchmark.
SESSION="$("$BIN/clustermonitor" shell -v0 -c "
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from clustermonitor.accounts.models import User
user = User.objects.get(username='programme.manager')
device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
device = device or TOTPDevice.objects.create(user=user, name='bench', confirmed=True)
client = Client()
client.force_login(user)
session = client.session
session['otp_device_id'] = device.persistent_id
session.save()
print(client.cookies['sessionid'].value)
" | tail -1)"
COOKIE="sessionid=$SESSION; django_language=en"

"$BIN/gunicorn" clustermonitor.wsgi --workers "$WORKERS" --bind "127.0.0.1:$PORT" \
  --access-logfile /dev/null --error-logfile "$WORK/gunicorn.log" &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break
  sleep 0.5
done

BASE="http://127.0.0.1:$PORT"
# label | path | who; the first is the baseline: the trivial endpoint of the same server
# (/healthz: through every middleware, no database, no template).
TARGETS=(
  "healthz|/healthz|anonymous"
  "dashboard|/dashboard/|agency"
  "member-list|/clusters/$CLUSTER/members/|agency"
  "reach|/clusters/$CLUSTER/reach/|agency"
)

RESULTS="$WORK/results.txt"
: > "$RESULTS"
for target in "${TARGETS[@]}"; do
  IFS='|' read -r label path who <<< "$target"
  cookie="$COOKIE"
  [[ "$who" == "anonymous" ]] && cookie="django_language=en"
  status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$BASE$path")"
  if [[ "$status" != "200" ]]; then
    echo "$path answers $status, not 200: is the session cookie right?" >&2
    exit 1
  fi
  # Warm-up: every worker imports its modules and fills its caches before measuring.
  wrk -t "$THREADS" -c "$CONNECTIONS" -d 3s -H "Cookie: $cookie" "$BASE$path" > /dev/null
  WRK_LABEL="$label" wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --timeout 10s \
    -s "$ROOT/bench/web/report.lua" -H "Cookie: $cookie" "$BASE$path" | grep '^RESULT' >> "$RESULTS"
done

echo
echo "demo ×$SCALE, gunicorn $WORKERS workers, wrk $CONNECTIONS connections for $DURATION ($(nproc) cores)"
awk '
  NR == 1 { base = $3 }
  { share = 100 * $3 / base
    printf "%-12s %8.1f req/s %6.0f%% of %s   p50 %7.1f ms   p95 %7.1f ms   p99 %7.1f ms   non-2xx %d  errors %d\n",
      $2, $3, share, "healthz", $4, $5, $6, $8, $9 }
' "$RESULTS"
echo
echo "goals: dashboard and member list >= 25 % of the baseline; p95 <= 250 ms"
