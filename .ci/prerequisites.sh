#!/usr/bin/env bash
# What .ci/run needs beside the repository, checked before anything is built.
# ../shared (OpenFGA's conformance suite and API description): CI always provides it, so in CI (CI=true) a missing
# file fails here, naming it; elsewhere the checks and tests that read it skip, and this says so.
# node and npm (the official DSL transformer, OpenFGA's SDK, the MCP clients): needed everywhere, so missing they fail.
# Usage: .ci/prerequisites.sh (from anywhere; paths are relative to the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."

shared_files=(
  "../shared/openfga/consolidated_1_1_tests.dev.yaml|OpenFGA's conformance suite (authz conformance, DSL fidelity, the remote adapter's run, the Authz conformance tests)"
  "../shared/openfga/openfga-api.swagger.json|OpenFGA's API description (the Authz API-shape tests)"
)
status=0
for entry in "${shared_files[@]}"; do
  file="${entry%%|*}"
  used_by="${entry#*|}"
  [ -f "$file" ] && continue
  if [ "${CI:-}" = true ]; then
    echo "CI failed: $file is absent ($(cd .. && pwd)/shared/ beside the repository must hold it); it is needed for $used_by" >&2
    status=1
  else
    echo "skipped (not in CI): $file is absent, so $used_by will skip; in CI (CI=true) this fails" >&2
  fi
done

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "CI failed: $tool is not installed; Node 20.19+ with npm runs the official DSL transformer (.ci/dsl-fidelity), OpenFGA's SDK and the MCP clients" >&2
    status=1
  fi
done
exit "$status"
