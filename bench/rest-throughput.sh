#!/usr/bin/env bash
# REST throughput: GET a project's 100-item checklist (authorized, from the database) against the real server,
# then the same JSON bytes from memory (the ceiling), with the C# load generator of bench/EngineeringFramework.Benchmarks.
# Usage: bash bench/rest-throughput.sh [rest-load options, e.g. --connections 32 --duration 20 --rate 2000]
# The server runs as in Production (bench/bench-server.sh), on the embedded SQLite database unless
# BENCH_DATABASE_URL names another.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/bench-server.sh

# The limiter still runs on every request but never refuses.
bench_start_server RateLimiting__PermitLimit=1000000
# The setup imports the 100-item framework as the system framework: a super-admin's job.
bench_user bench@example.com
dotnet "$server_dll" admin grant-super-admin bench@example.com >/dev/null 2>&1
EF_BENCH_API_TOKEN="$(bench_token bench@example.com /api)"
export EF_BENCH_API_TOKEN

echo "server: Release, Production settings, $database; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$bench_dll" rest-load --base "$base" --public-url "$public_url" --server-pid "$server_pid" "$@"
