#!/usr/bin/env bash
# REST throughput: GET a project's 100-item checklist (authorized, from the database) against the real server,
# then the same JSON bytes from memory (the ceiling), with the C# load generator of bench/EngineeringFramework.Benchmarks.
# Usage: bash bench/rest-throughput.sh [rest-load options, e.g. --connections 32 --duration 20 --rate 2000]
# The server runs as in Production (Release build, JSON logs at Warning, HTTPS behind a trusted proxy on loopback,
# keys from the environment), on the embedded SQLite database unless BENCH_DATABASE_URL names another.
set -euo pipefail
cd "$(dirname "$0")/.."
export EF_ARTIFACTS_PATH="${EF_ARTIFACTS_PATH:-$PWD/artifacts}"
dotnet build src/EngineeringFramework.Server -c Release -v quiet >/dev/null
dotnet build bench/EngineeringFramework.Benchmarks -c Release -v quiet >/dev/null
server_dll="$EF_ARTIFACTS_PATH/bin/EngineeringFramework.Server/release/EngineeringFramework.Server.dll"
bench_dll="$EF_ARTIFACTS_PATH/bin/EngineeringFramework.Benchmarks/release/EngineeringFramework.Benchmarks.dll"
port="${EF_BENCH_PORT:-5091}"
base="http://127.0.0.1:$port"
public_url="https://ef-bench.example.test"
# A server left over from an earlier run would answer the health check and the setup with the wrong keys.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "port $port is in use: stop what listens there, or set EF_BENCH_PORT" >&2; exit 1; fi
data="$(mktemp -d)"

export ASPNETCORE_ENVIRONMENT=Production PUBLIC_URL="$public_url" DATA_DIR="$data" TRUSTED_PROXIES=127.0.0.1 MIGRATE_ON_START=true
export Logging__LogLevel__Default=Warning RateLimiting__PermitLimit=1000000
export ENCRYPTION_KEY="$(openssl rand -base64 32)"
export AUTH_SIGNING_KEY="$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 2>/dev/null)"
if [ -n "${BENCH_DATABASE_URL:-}" ]; then export DATABASE_URL="$BENCH_DATABASE_URL"; fi

dotnet "$server_dll" serve --urls "$base" >"$data/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 240); do curl -fsS "$base/health" >/dev/null 2>&1 && break; kill -0 "$server_pid" 2>/dev/null || break; sleep 0.25; done
curl -fsS "$base/health" >/dev/null || { cat "$data/server.log"; exit 1; }

printf 'B3nch-Passw0rd!\n' | dotnet "$server_dll" admin create-user --email bench@example.com --password-stdin >/dev/null 2>&1
# The setup imports the 100-item framework as the system framework: a super-admin's job.
dotnet "$server_dll" admin grant-super-admin bench@example.com >/dev/null 2>&1
EF_BENCH_API_TOKEN="$(dotnet "$server_dll" admin token --email bench@example.com --audience "$public_url/api" --minutes 240 2>/dev/null)"
export EF_BENCH_API_TOKEN

database=SQLite; if [ -n "${DATABASE_URL:-}" ]; then database=PostgreSQL; fi
echo "server: Release, Production settings, $database; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$bench_dll" rest-load --base "$base" --public-url "$public_url" --server-pid "$server_pid" "$@"
