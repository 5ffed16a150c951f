#!/usr/bin/env bash
# Report benchmark (issue 8): `clustermonitor report` on the demo ×1 and ×10 in one run,
# each on its own SQLite database; prints the ×1 seconds and the ratio ×10 / ×1.
# Goals: ×1 <= 20 s including the PDF; ×10 <= 3 × the ×1 time.
#
#   bench/report/run.sh              # builds both databases (about a minute), then times
#   KEEP_DB=1 bench/report/run.sh    # reuse the databases of an earlier run
#
# Settings (environment): WORK (/tmp/clustermonitor-bench-report), FORMATS (html,pdf,xlsx),
# AS_OF (2020-01-31, the evaluation's date; empty for today), BIG (10).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="$ROOT/.venv/bin"
WORK="${WORK:-/tmp/clustermonitor-bench-report}"
FORMATS="${FORMATS:-html,pdf,xlsx}"
AS_OF="${AS_OF:-2020-01-31}"
BIG="${BIG:-10}"
unset DATABASE_URL  # SQLite: one file per scale
export CLUSTERMONITOR_ENV=development DEBUG=0 LOG_LEVEL=ERROR TASKS_BACKEND=immediate

if ! "$BIN/clustermonitor" help report > /dev/null 2>&1; then
  echo "clustermonitor report does not exist yet: nothing to measure." >&2
  exit 2
fi

prepare() {  # $1 = scale
  local var="$WORK/x$1"
  if [[ "${KEEP_DB:-}" == "1" && -f "$var/clustermonitor.sqlite3" ]]; then
    return
  fi
  rm -rf "$var"
  mkdir -p "$var"
  CLUSTERMONITOR_VAR_DIR="$var" "$BIN/clustermonitor" migrate -v0
  CLUSTERMONITOR_VAR_DIR="$var" "$BIN/clustermonitor" load-reference > /dev/null
  CLUSTERMONITOR_VAR_DIR="$var" "$BIN/clustermonitor" generate --scale "$1" > /dev/null
}

measure() {  # $1 = scale; prints the seconds
  local var="$WORK/x$1" out="$WORK/out-x$1"
  rm -rf "$out"
  local args=(report --format "$FORMATS" --output "$out")
  [[ -n "$AS_OF" ]] && args+=(--as-of "$AS_OF")
  local start end
  start="$(date +%s.%N)"
  CLUSTERMONITOR_VAR_DIR="$var" "$BIN/clustermonitor" "${args[@]}" > "$WORK/report-x$1.log" 2>&1 || {
    echo "report at ×$1 failed, see $WORK/report-x$1.log" >&2
    exit 1
  }
  end="$(date +%s.%N)"
  echo "$end - $start" | bc -l
}

echo "== preparing ×1 and ×$BIG (SQLite under $WORK)"
prepare 1
prepare "$BIG"
echo "== clustermonitor report --format $FORMATS ${AS_OF:+--as-of $AS_OF}"
ONE="$(measure 1)"
MANY="$(measure "$BIG")"
ls -l "$WORK/out-x1" "$WORK/out-x$BIG" | sed 's/^/   /'
printf '×1   %6.1f s   (goal <= 20 s incl. PDF)\n' "$ONE"
printf '×%-3s %6.1f s\n' "$BIG" "$MANY"
printf 'ratio ×%s / ×1: %.2f   (goal <= 3)\n' "$BIG" "$(echo "$MANY / $ONE" | bc -l)"
