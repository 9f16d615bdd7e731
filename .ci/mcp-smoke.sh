#!/usr/bin/env bash
# A real external MCP client in CI: starts the built server on its embedded defaults, creates a local
# account and mints tokens with the operator commands, then runs the official TypeScript SDK against /mcp
# (.ci/mcp-client/smoke.mjs). Usage: .ci/mcp-smoke.sh PATH/TO/EngineeringFramework.Server.dll
set -euo pipefail
server_dll="$1"
port="${EF_SMOKE_PORT:-5088}"
base="http://127.0.0.1:$port"
data="$(mktemp -d)"
export ASPNETCORE_ENVIRONMENT=Development DATA_DIR="$data" PUBLIC_URL="$base"

dotnet "$server_dll" serve --urls "$base" >"$data/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$data"' EXIT

# Poll until the server answers (bounded): a start-up wait in a script, not a timing assertion.
for _ in $(seq 1 240); do
  if curl -fsS "$base/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$data/server.log" >&2; exit 1; fi
  sleep 0.25
done

printf 'Sm0ke-Test-Passw0rd!\n' | dotnet "$server_dll" admin create-user --email smoke@example.com --name "CI Smoke" --password-stdin 2>/dev/null
api_token="$(dotnet "$server_dll" admin token --email smoke@example.com --audience "$base/api" 2>/dev/null)"
mcp_token="$(dotnet "$server_dll" admin token --email smoke@example.com --audience "$base/mcp" 2>/dev/null)"

(cd "$(dirname "$0")/mcp-client" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
node "$(dirname "$0")/mcp-client/smoke.mjs" "$base" "$api_token" "$mcp_token"
