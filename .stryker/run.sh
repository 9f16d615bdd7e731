#!/usr/bin/env bash
# Mutation testing (Stryker.NET, the local tool in dotnet-tools.json) of the security-critical code, one area at a time:
# each area's files are mutated and only the tests written for them run against each mutant. Stryker's Microsoft
# Testing Platform runner has no per-test coverage, so a narrow filter is what keeps a run in minutes, not hours.
#
# Usage: bash .stryker/run.sh [area ...]   (no area: all; reports in artifacts/stryker/<area>/reports/, summary at the end)
#
# EF_MUTATION=true builds into classic bin/obj folders and makes the test projects Microsoft Testing Platform executables
# (Directory.Build.props). Under VSTest, xunit v3 runs the tests in a child process where Stryker cannot switch a mutant
# on, and every mutant "survives" (a 0 % score that means nothing).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
core="src/EngineeringFramework.Core/EngineeringFramework.Core.csproj"
server="src/EngineeringFramework.Server/EngineeringFramework.Server.csproj"
core_tests="tests/EngineeringFramework.Core.Tests/EngineeringFramework.Core.Tests.csproj"
server_tests="tests/EngineeringFramework.Server.Tests/EngineeringFramework.Server.Tests.csproj"
c="FullyQualifiedName~EngineeringFramework.Core.Tests"
s="FullyQualifiedName~EngineeringFramework.Server.Tests"

# One line per area, fields separated by ";": name; project mutated; files (globs, spaces between); the tests that
# guard them (a dotnet test filter); the test projects (spaces between).
#
# Not here: code that runs once per process. Stryker switches mutants on inside one long-lived test process, so a
# mutant in what is built once and cached (EF Core's model, with the tenant query filter of
# Data/AppDbContext.TenantFilters.cs) is never seen and "survives" falsely. Those were broken by hand instead, each
# once, with the tenancy tests run against the break (issue 17's note has the table): every break that changes
# behaviour turned them red.
areas=(
  "crypto; $core; **/Crypto/*.cs; $c.Crypto; $core_tests"
  "tenancy; $core; **/Tenancy/*.cs; $c.Tenancy; $core_tests"
  "members; $core; **/Members/SerializedMembershipChange.cs **/Members/MemberService.cs **/Members/InvitationService.cs **/Members/InvitationToken.cs; $c.Members; $core_tests"
  "authorizer; $core; **/Authorization/Authorizer.cs; $c.Organizations|$c.McpAccess; $core_tests"
  "webhook; $core; **/GitHubSync/GitHubWebhookReceiver.cs **/GitHubSync/GitHubSecrets.cs; $c.GitHubSync.GitHubSyncTests|$c.GitHubSync.GitHubWebhookReceiverTests|$s.GitHubSync.GitHubWebhookTests; $core_tests $server_tests"
  "tokens; $server; **/Identity/Tokens/BearerTokenValidation.cs **/Identity/Tokens/RememberingTokenHandler.cs **/Mcp/McpContext.cs **/Mcp/McpCaller.cs; $s.Identity.BearerTokenForgeryTests|$s.Identity.RememberingTokenHandlerTests|$s.Identity.SigningKeyRotationTests|$s.Identity.ExternalAuthorityTests|$s.Identity.RevocationTests.A_client_revoking_its_token|$s.Mcp.McpContextTests|$s.Mcp.McpToolsTests.Grant_in_one_organization; $server_tests"
)

trim() { local v="$1"; v="${v#"${v%%[![:space:]]*}"}"; printf '%s' "${v%"${v##*[![:space:]]}"}"; }

cd "$root"
dotnet tool restore > /dev/null
ran=()
for line in "${areas[@]}"; do
  IFS=';' read -r name project files filter projects <<< "$line"
  name="$(trim "$name")"; project="$(trim "$project")"; filter="$(trim "$filter")"
  if (( $# > 0 )) && [[ " $* " != *" $name "* ]]; then continue; fi
  args=(--config-file "$root/.stryker/security.json" --output "$root/artifacts/stryker/$name" --test-case-filter "$filter")
  for glob in $files; do args+=(--mutate "$glob"); done
  for p in $projects; do args+=(--test-project "$root/$p"); done
  echo "== $name"
  rm -rf "$root/artifacts/stryker/$name"
  # Stryker finds the project to mutate from the folder it runs in.
  (cd "$root/$(dirname "$project")" && EF_MUTATION=true dotnet stryker "${args[@]}" | grep -E "mutants will be tested|final mutation score|ERR|Error" || true)
  ran+=("$name")
done

echo
printf '%-11s %7s %9s %8s %7s %8s\n' area killed survived timeout no-cov score
for name in "${ran[@]}"; do
  python3 - "$root/artifacts/stryker/$name/reports/mutation-report.json" "$name" <<'PY'
import json, sys
counts = {}
for f in json.load(open(sys.argv[1]))["files"].values():
    for m in f["mutants"]:
        counts[m["status"]] = counts.get(m["status"], 0) + 1
k, s, t, n = (counts.get(x, 0) for x in ("Killed", "Survived", "Timeout", "NoCoverage"))
score = 100 * (k + t) / (k + s + t + n) if k + s + t + n else float("nan")
print(f"{sys.argv[2]:<11} {k:>7} {s:>9} {t:>8} {n:>7} {score:>7.1f}%")
PY
done
