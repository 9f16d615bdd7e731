#!/usr/bin/env bash
# The official OpenFGA JavaScript SDK (@openfga/sdk, pinned in .ci/openfga-sdk/package-lock.json) against our OpenFGA
# test server run as its own process with a preshared key, so the test server is checked by a client that is not ours.
# With a product server and a conformance file, OpenFGA's suite also runs through our remote adapter
# (`authz conformance --remote`) against the same process. Needs Node 20.19+ and npm (the registry is the only network).
# Usage: .ci/openfga-sdk.sh [TEST_SERVER_DLL [SERVER_DLL CONFORMANCE_FILE]]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
test_server_dll="${1:-}"
server_dll="${2:-}"
conformance="${3:-}"
if [ -z "$test_server_dll" ]; then
  dotnet build "$here/../tests/EngineeringFramework.OpenFgaTestServer" -c Release -warnaserror >/dev/null
  test_server_dll="${EF_ARTIFACTS_PATH:-$here/../artifacts}/bin/EngineeringFramework.OpenFgaTestServer/release/EngineeringFramework.OpenFgaTestServer.dll"
fi

port="${EF_OPENFGA_PORT:-18080}"
api="http://127.0.0.1:$port"
key="ci-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
log="$(mktemp)"
# The key goes by environment (OpenFGA's own variable), not on a command line other processes can read.
OPENFGA_AUTHN_PRESHARED_KEYS="$key" dotnet "$test_server_dll" --urls "$api" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT

# Poll until it answers (bounded); 401 without a key means it is up. A start-up wait, not a timing assertion.
for _ in $(seq 1 120); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$api/stores" || true)" = 401 ]; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; echo "openfga-sdk: the test server did not start" >&2; exit 1; fi
  sleep 0.25
done

(cd "$here/openfga-sdk" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
status=0
node "$here/openfga-sdk/check.mjs" "$api" "$key" || status=1

if [ -n "$server_dll" ] && [ -f "$conformance" ]; then
  printf 'authz conformance --remote: '
  dotnet "$server_dll" authz conformance "$conformance" --remote "$api" --token "$key" | tail -n 1 || status=1
elif [ -n "$server_dll" ] && [ "${CI:-}" = true ]; then
  echo "CI failed: the conformance file ${conformance:-(none given)} is absent, so OpenFGA's suite cannot run through the remote adapter" >&2
  status=1
elif [ -n "$server_dll" ]; then
  echo "authz conformance --remote: skipped (not in CI): the conformance file ${conformance:-(none given)} is absent"
fi
exit "$status"
