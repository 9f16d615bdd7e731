#!/usr/bin/env bash
# MCP tools/call latency (get_checklist over loopback) with the official TypeScript SDK client.
# Usage: bash bench/mcp-latency.sh [CALLS]   (builds the server in Release first)
# MCP_LATENCY_WARMUP (default 1000) calls run first, untimed: see bench/README.md on JIT warm-up.
set -euo pipefail
cd "$(dirname "$0")/.."
export EF_ARTIFACTS_PATH="${EF_ARTIFACTS_PATH:-$PWD/artifacts}"
dotnet build src/EngineeringFramework.Server -c Release -v quiet >/dev/null
server_dll="$EF_ARTIFACTS_PATH/bin/EngineeringFramework.Server/release/EngineeringFramework.Server.dll"
port="${EF_BENCH_PORT:-5089}"
base="http://127.0.0.1:$port"
data="$(mktemp -d)"
# Development keys (generated into the temp data folder), logging at Warning so the console does not dominate.
export ASPNETCORE_ENVIRONMENT=Development PUBLIC_URL="$base" DATA_DIR="$data" Logging__LogLevel__Default=Warning RateLimiting__PermitLimit=1000000
dotnet "$server_dll" serve --urls "$base" >"$data/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 240); do curl -fsS "$base/health" >/dev/null 2>&1 && break; sleep 0.25; done
printf 'B3nch-Passw0rd!\n' | dotnet "$server_dll" admin create-user --email bench@example.com --password-stdin >/dev/null 2>&1
api_token="$(dotnet "$server_dll" admin token --email bench@example.com --audience "$base/api" 2>/dev/null)"
mcp_token="$(dotnet "$server_dll" admin token --email bench@example.com --audience "$base/mcp" 2>/dev/null)"
(cd .ci/mcp-client && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
MCP_LATENCY_WARMUP="${MCP_LATENCY_WARMUP:-1000}" node .ci/mcp-client/latency.mjs "$base" "$api_token" "$mcp_token" "${1:-500}"
