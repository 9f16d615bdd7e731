#!/usr/bin/env bash
# Sourced by the load scripts (rest-throughput.sh, mixed-load.sh): builds the server and the load generator, and
# starts the server as in Production (Release build, JSON logs at Warning, HTTPS behind a trusted proxy on
# loopback, keys generated for the run). Defines: server_dll, bench_dll, base, public_url, data, server_pid,
# bench_start_server [ENV=VALUE...], bench_stop_server, bench_user EMAIL, bench_token EMAIL AUDIENCE_PATH.
# The database is the embedded SQLite file unless BENCH_DATABASE_URL names another.
set -euo pipefail
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
server_pid=

export ASPNETCORE_ENVIRONMENT=Production PUBLIC_URL="$public_url" DATA_DIR="$data" TRUSTED_PROXIES=127.0.0.1 MIGRATE_ON_START=true
export Logging__LogLevel__Default=Warning
export ENCRYPTION_KEY="$(openssl rand -base64 32)"
export AUTH_SIGNING_KEY="$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 2>/dev/null)"
if [ -n "${BENCH_DATABASE_URL:-}" ]; then export DATABASE_URL="$BENCH_DATABASE_URL"; fi
database=SQLite; if [ -n "${DATABASE_URL:-}" ]; then database=PostgreSQL; fi

# Starts the server with extra settings (e.g. RateLimiting__PermitLimit=1000000) and waits until it is healthy.
bench_start_server() {
  env "$@" dotnet "$server_dll" serve --urls "$base" >>"$data/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 240); do curl -fsS "$base/health" >/dev/null 2>&1 && break; kill -0 "$server_pid" 2>/dev/null || break; sleep 0.25; done
  curl -fsS "$base/health" >/dev/null || { cat "$data/server.log"; exit 1; }
}

bench_stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=
}

trap 'bench_stop_server; rm -rf "$data"' EXIT

bench_user() { printf 'B3nch-Passw0rd!\n' | dotnet "$server_dll" admin create-user --email "$1" --password-stdin >/dev/null 2>&1; }

# Prints a token of an existing user for PUBLIC_URL + AUDIENCE_PATH (/api or /mcp), valid 4 hours.
bench_token() {
  dotnet "$server_dll" admin token --email "$1" --audience "$public_url$2" --minutes 240 2>/dev/null
}
