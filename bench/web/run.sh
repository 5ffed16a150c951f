#!/usr/bin/env bash
# Web load benchmark (issues 8 and 13): the demo ×10 on PostgreSQL behind gunicorn with
# Redis as the shared cache (the production shape of docs/deployment.md), wrk with 20
# connections against the programme dashboard, a cluster's member list, a reach figure
# page and the cheapest page of the same server; throughput as a share of the cheapest,
# measured again in every run (the machine is shared: ratios, not absolute figures).
# Then the first request of each heavy page after a write.
#
#   bench/web/run.sh                 # fresh database, migrate, generate --scale 10, measure
#   KEEP_DB=1 bench/web/run.sh       # reuse the database of an earlier run
#   CACHE_URL= bench/web/run.sh      # without Redis: each worker its own memory (LocMem)
#
# Settings (environment): PGHOST_URL (postgres://postgres@127.0.0.1:5432), DB
# (clustermonitor_bench), SCALE (10), PORT (8077), WORKERS (4, as docs/deployment.md),
# CACHE_URL (redis://127.0.0.1:6379/8; empty for LocMem), RUNS (3), CONNECTIONS (20),
# THREADS (2), DURATION (20s), WARMUP (5s), CLUSTER (EUKA), WRITES (3).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="$ROOT/.venv/bin"
PGHOST_URL="${PGHOST_URL:-postgres://postgres@127.0.0.1:5432}"
DB="${DB:-clustermonitor_bench}"
SCALE="${SCALE:-10}"
PORT="${PORT:-8077}"
WORKERS="${WORKERS:-4}"
RUNS="${RUNS:-3}"
CONNECTIONS="${CONNECTIONS:-20}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-5s}"
CLUSTER="${CLUSTER:-EUKA}"
WRITES="${WRITES:-3}"
WORK="${WORK:-/tmp/clustermonitor-bench-web}"
mkdir -p "$WORK"

if ! command -v wrk >/dev/null; then
  echo "== installing wrk (Debian package)"
  apt-get update -qq </dev/null && apt-get install -y -qq --no-install-recommends wrk </dev/null
fi

# Production-like: production settings, DEBUG off, hashed static files; plain HTTP on
# the loopback (no TLS proxy in front), so no HTTPS redirect and no HSTS.
export CLUSTERMONITOR_ENV=production
export SECRET_KEY="bench-not-secret-$(date +%s)"
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0
export DATABASE_URL="$PGHOST_URL/$DB"
export CLUSTERMONITOR_VAR_DIR="$WORK" STATIC_ROOT="$WORK/static" MEDIA_ROOT="$WORK/media"
export LOG_LEVEL=ERROR
# Queued work (reports, the heavy figures after a write) runs on db_worker, as deployed.
export TASKS_BACKEND="${TASKS_BACKEND:-database}"
export CACHE_URL="${CACHE_URL-redis://127.0.0.1:6379/8}"
# A key prefix of this run's own: nothing kept by an earlier run is read, nothing flushed.
export CACHE_KEY_PREFIX="bench-$(date +%s)"

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

# A logged-in agency user: a session in the database (and the shared cache), its key as
# the cookie; the session has passed the second step (two-factor sign-in) with a device
# made for the benchmark.
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
WORKER=
if [[ "$TASKS_BACKEND" == "database" ]]; then
  "$BIN/clustermonitor" db_worker > "$WORK/db_worker.log" 2>&1 &
  WORKER=$!
fi
trap 'kill $GUNICORN $WORKER 2>/dev/null; wait $GUNICORN $WORKER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
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
# The first request of these after a write (a contribution's amount and a collaboration's
# party change: Table 8's chart, the network and the KPIs must be computed anew).
AFTER_WRITE=(
  "dashboard|/dashboard/"
  "member-list|/clusters/$CLUSTER/members/"
  "reach|/clusters/$CLUSTER/reach/"
  "table8|/cofinancing/"
  "network|/network/"
)

# Each heavy page has its whole-programme figures when its marker is on the page.
COMPLETE=(
  "dashboard|/dashboard/|id=\"totals-programme\""
  "table8|/cofinancing/|id=\"table8\""
  "table8-chart|/cofinancing/|<svg"
  "network|/network/|<svg"
)

seconds() { # path → seconds of one request (fails on a status other than 200)
  local out
  out="$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Cookie: $COOKIE" "$BASE$1")"
  [[ "${out%% *}" == "200" ]] || { echo "$1 answers ${out%% *}, not 200" >&2; return 1; }
  echo "${out#* }"
}

echo "== first requests (cold: nothing kept yet)"
for target in "${AFTER_WRITE[@]}"; do
  IFS='|' read -r label path <<< "$target"
  printf '%-12s cold %6.2f s\n' "$label" "$(seconds "$path")"
done

RESULTS="$WORK/results.txt"
: > "$RESULTS"
for run in $(seq 1 "$RUNS"); do
  for target in "${TARGETS[@]}"; do
    IFS='|' read -r label path who <<< "$target"
    cookie="$COOKIE"
    [[ "$who" == "anonymous" ]] && cookie="django_language=en"
    # Warm-up: every worker imports its modules and fills its caches before measuring.
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "$WARMUP" -H "Cookie: $cookie" "$BASE$path" > /dev/null
    WRK_LABEL="$label" wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --timeout 10s \
      -s "$ROOT/bench/web/report.lua" -H "Cookie: $cookie" "$BASE$path" \
      | grep '^RESULT' | sed "s/^RESULT /RESULT $run /" >> "$RESULTS"
  done
done

WRITTEN="$WORK/after-write.txt"
: > "$WRITTEN"
for write in $(seq 1 "$WRITES"); do
  "$BIN/clustermonitor" shell -v0 -c "
from clustermonitor.collaborations import services
from clustermonitor.collaborations.models import Collaboration, Party
from clustermonitor.core import audit
from clustermonitor.members.models import Contribution, Membership
actor = audit.Actor.system('bench')
fee = Contribution.objects.filter(membership__cluster__code='$CLUSTER').order_by('-year', '-pk').first()
fee.amount += 1
audit.save(actor, fee)
collaboration = Collaboration.objects.filter(clusters__code='$CLUSTER').order_by('pk').first()
member = Membership.objects.filter(cluster__code='$CLUSTER').order_by('pk').first().organisation
party = collaboration.parties.filter(organisation=member).first()
if party:
    services.remove_party(actor, party)
else:
    services.set_party(actor, collaboration, member, Party.Role.PARTNER)
"
  written_at=$(date +%s.%N)
  for target in "${AFTER_WRITE[@]}"; do
    IFS='|' read -r label path <<< "$target"
    echo "$label $(seconds "$path")" >> "$WRITTEN"
  done
  # The whole-programme figures come from db_worker a moment later (docs/deployment.md):
  # seconds from the write until each page has them again (its marker is on the page).
  for target in "${COMPLETE[@]}"; do
    IFS='|' read -r label path marker <<< "$target"
    for _ in $(seq 1 240); do
      # Into a file, then grep: `curl | grep -q` under pipefail fails when grep stops
      # reading a large page early (curl's write error), and the loop never ends.
      curl -s -H "Cookie: $COOKIE" -o "$WORK/page.html" "$BASE$path" || true
      grep -q "$marker" "$WORK/page.html" && break
      sleep 0.5
    done
    echo "$label-complete $(awk -v a="$written_at" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" >> "$WRITTEN"
  done
done

echo
echo "demo ×$SCALE, gunicorn $WORKERS workers, cache ${CACHE_URL:-LocMem (per worker)}," \
  "wrk $CONNECTIONS connections for $DURATION after $WARMUP, $RUNS runs ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
"$BIN/python" - "$RESULTS" "$WRITTEN" <<'PY'
import statistics
import sys
from collections import defaultdict

runs = defaultdict(dict)  # run → label → (rps, p50, p95, p99, non-2xx, errors)
for line in open(sys.argv[1]):
    _, run, label, rps, p50, p95, p99, _n, non2xx, errors = line.split()
    runs[run][label] = (float(rps), float(p50), float(p95), float(p99), int(non2xx), int(errors))


def spread(values, fmt):
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


labels = list(next(iter(runs.values())))
base = labels[0]
print(f"{'page':12} {'req/s':>22} {'share of ' + base:>24} {'p95 ms':>22}  non-2xx/errors")
for label in labels:
    rows = [r[label] for r in runs.values()]
    shares = [100 * r[label][0] / r[base][0] for r in runs.values()]
    print(
        f"{label:12} {spread([r[0] for r in rows], '{:.0f}'):>22} "
        f"{spread(shares, '{:.0f} %'):>24} {spread([r[2] for r in rows], '{:.0f}'):>22}  "
        f"{sum(r[4] for r in rows)}/{sum(r[5] for r in rows)}"
    )
print("(median of the runs, min–max in brackets; each run's share against its own baseline)")
after = defaultdict(list)
for line in open(sys.argv[2]):
    label, seconds = line.split()
    after[label].append(float(seconds))
print()
print("after a write (s): the first request, and until the page has its figures again")
for label, values in after.items():
    if not label.endswith("-complete"):
        complete = after.get(f"{label}-complete")
        line = f"{label:12} first {spread(values, '{:.2f}'):>22}"
        if complete:
            line += f"   complete {spread(complete, '{:.1f}')}"
        print(line)
for label, values in after.items():
    if label.endswith("-complete") and label.removesuffix("-complete") not in after:
        line = f"{label.removesuffix('-complete'):12} first {'(table8)':>22}   complete "
        print(line + spread(values, "{:.1f}"))
PY
echo
echo "goals: dashboard, member list and reach >= 25 % of the baseline; p95 <= 250 ms;"
echo "       the first request after a write <= 1 s"
