#!/usr/bin/env bash
# A real external MCP client completes the whole OAuth flow in CI (.ci/mcp-client/oauth-flow.mjs): the official
# TypeScript SDK's OAuth client and the system's Chromium (playwright-core) against the built server on its embedded
# defaults, in Development. Creates one confirmed account and a REST token for it with the operator commands (the
# script grants the account MCP access with it, as .ci/mcp-smoke.sh does), then runs the three flows: dynamic client
# registration, a Client ID Metadata Document, and registration with two-factor sign-in.
# Usage: .ci/mcp-oauth.sh PATH/TO/EngineeringFramework.Server.dll
set -euo pipefail
server_dll="$1"
client_dir="$(cd "$(dirname "$0")/mcp-client" && pwd)"
port="${EF_OAUTH_PORT:-5089}"
base="http://127.0.0.1:$port"
work="$(mktemp -d)"
export ASPNETCORE_ENVIRONMENT=Development DATA_DIR="$work/data" PUBLIC_URL="$base"

# The SDK sends a metadata document's URL as client_id only when it is https (1.32.2: isHttpsUrl in
# client/auth.js), so the script serves its document over TLS on 127.0.0.1 with a certificate from a throw-away CA,
# and the server under test alone is told to trust that CA besides the system's (SSL_CERT_FILE, which .NET reads on
# Linux). Nothing else on the machine trusts it, and it lives only as long as this directory.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=Engineering Framework CI throw-away CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
  -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" -keyout "$work/document.key" -out "$work/document.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$work/document.ext"
openssl x509 -req -in "$work/document.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
  -extfile "$work/document.ext" -out "$work/document.crt" 2>/dev/null
cat /etc/ssl/certs/ca-certificates.crt "$work/ca.crt" >"$work/trusted.crt" 2>/dev/null || cp "$work/ca.crt" "$work/trusted.crt"

SSL_CERT_FILE="$work/trusted.crt" dotnet "$server_dll" serve --urls "$base" >"$work/server.log" 2>&1 &
server_pid=$!
cleanup() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Poll until the server answers (bounded): a start-up wait in a script, not a timing assertion.
for _ in $(seq 1 240); do
  if curl -fsS "$base/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log" >&2; exit 1; fi
  sleep 0.25
done

email=oauth-flow@example.com
password="$(openssl rand -base64 18)"
printf '%s\n' "$password" | dotnet "$server_dll" admin create-user --email "$email" --name "CI OAuth Flow" --password-stdin >/dev/null 2>&1
api_token="$(dotnet "$server_dll" admin token --email "$email" --audience "$base/api" 2>/dev/null)"

# .ci/run's MCP smoke step installs the same lock file just before; on its own, this script installs it.
if [ ! -d "$client_dir/node_modules/playwright-core" ] || [ ! -d "$client_dir/node_modules/@modelcontextprotocol/sdk" ]; then
  (cd "$client_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

status=0
EF_OAUTH_EMAIL="$email" EF_OAUTH_PASSWORD="$password" EF_OAUTH_API_TOKEN="$api_token" \
  EF_OAUTH_TLS_CERT="$work/document.crt" EF_OAUTH_TLS_KEY="$work/document.key" \
  node "$client_dir/oauth-flow.mjs" "$base" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 40 lines)" >&2
  tail -n 40 "$work/server.log" >&2
fi
exit "$status"
