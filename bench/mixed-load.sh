#!/usr/bin/env bash
# Sustained mixed load on PostgreSQL (issue 17): checklist reads, item updates with If-Match and MCP get_checklist
# calls, 8:1:1, for ten minutes against the real server, with the server's memory sampled throughout; then the
# rate-limit run: the server restarted with its default limit (600 requests per user per minute), one caller driven
# far past it while another user keeps a steady pace.
# Usage: bash bench/mixed-load.sh [mixed-load options, e.g. --duration 600 --connections 16 --rate 1000]
#   BENCH_DATABASE_URL: an existing PostgreSQL database to use (emptied first: it must be a throw-away one);
#   unset, the throw-away cluster of .ci/start-postgres.sh is started and a fresh database made in it.
#   BENCH_DATABASE=sqlite runs on the embedded SQLite file instead.
#   MIXED_LOAD_SMOKE=1: a few seconds per phase, to prove the script works (what CI runs); figures mean nothing.
# Exits non-zero when any request of the mixed run failed, or the rate-limit run saw anything but 200 and
# well-formed 429 answers for the noisy caller, or any error for the quiet one.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${BENCH_DATABASE:-postgres}" = postgres ] && [ -z "${BENCH_DATABASE_URL:-}" ]; then
  cluster="$(.ci/start-postgres.sh)"
  name="mixedload_$(date +%s)"
  host_port="$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$cluster")"
  psql -h 127.0.0.1 -p "$host_port" -U postgres -d postgres -qc "CREATE DATABASE $name" >/dev/null
  BENCH_DATABASE_URL="${cluster/Database=postgres/Database=$name}"
fi
export BENCH_DATABASE_URL="${BENCH_DATABASE_URL:-}"
source bench/bench-server.sh

mixed_args=("$@")
rate_args=()
rate_limit=()
if [ "${MIXED_LOAD_SMOKE:-}" = 1 ]; then
  mixed_args=(--warmup 1 --duration 4 --connections 4 "$@")
  rate_args=(--duration 3)
  rate_limit=(RateLimiting__PermitLimit=50)
fi

state="$data/target"
bench_start_server RateLimiting__PermitLimit=1000000
bench_user bench@example.com
bench_user quiet@example.com
dotnet "$server_dll" admin grant-super-admin bench@example.com >/dev/null 2>&1
EF_BENCH_API_TOKEN="$(bench_token bench@example.com /api)"
EF_BENCH_MCP_TOKEN="$(bench_token bench@example.com /mcp)"
EF_BENCH_QUIET_TOKEN="$(bench_token quiet@example.com /api)"
export EF_BENCH_API_TOKEN EF_BENCH_MCP_TOKEN EF_BENCH_QUIET_TOKEN

# Only what the server logs from here on counts: a first start on an empty PostgreSQL database logs EF Core's
# failed probe of the migrations history table as an error, before it creates it.
log_from=$(( $(wc -l <"$data/server.log") + 1 ))
echo "server: Release, Production settings, $database; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
dotnet "$bench_dll" mixed-load --phase mixed --base "$base" --public-url "$public_url" --server-pid "$server_pid" --state "$state" "${mixed_args[@]}" || status=1

echo "--- rate limit: the server restarted with its default limit${rate_limit:+ (smoke: ${rate_limit[*]})}"
bench_stop_server
bench_start_server "${rate_limit[@]}"
dotnet "$bench_dll" mixed-load --phase rate-limit --base "$base" --public-url "$public_url" --state "$state" "${rate_args[@]}" || status=1
if tail -n "+$log_from" "$data/server.log" | grep -q '"LogLevel":"\(Error\|Critical\)"'; then
  echo "the server logged errors under load:"; tail -n "+$log_from" "$data/server.log" | grep '"LogLevel":"\(Error\|Critical\)"' | head -n 5
  status=1
fi
exit "$status"
