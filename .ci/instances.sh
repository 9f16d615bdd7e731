#!/usr/bin/env bash
# Two server processes of one deployment in CI: one fresh PostgreSQL database, the same keys and PUBLIC_URL, and
# separate home folders and DATA_DIRs (nothing shared on disk), driven by .ci/instances/pair.mjs.
# With a third argument, the OpenFGA test server's dll, authorization goes to OpenFGA: the test server runs as its own
# process with a preshared key and a control listener (stop/start), `migrate` creates the store and model, instance A
# follows the store's latest model and instance B is pinned to the one migrate wrote.
# Usage: .ci/instances.sh PATH/TO/EngineeringFramework.Server.dll "Host=...;Port=...;Username=...;Database=..." [PATH/TO/EngineeringFramework.OpenFgaTestServer.dll]
set -euo pipefail
server_dll="$1"
pg="$2"
fga_dll="${3:-}"
pg_host="$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$pg")"
pg_port="$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$pg")"
pg_user="$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$pg")"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
database="ef_pair_$$"
work="$(mktemp -d)"
# Free ports (another run, or a developer's server, must not break this one): the first free ones from 5191 up.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
a_port="${EF_PAIR_PORT_A:-5191}"
while port_in_use "$a_port"; do a_port=$((a_port + 1)); done
b_port="${EF_PAIR_PORT_B:-$((a_port + 1))}"
while port_in_use "$b_port" || [ "$b_port" = "$a_port" ]; do b_port=$((b_port + 1)); done
a="http://127.0.0.1:$a_port"
b="http://127.0.0.1:$b_port"
free_port() { local p="$1"; while port_in_use "$p" || [ "$p" = "$a_port" ] || [ "$p" = "$b_port" ]; do p=$((p + 1)); done; echo "$p"; }

"$bin/psql" -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -qc "CREATE DATABASE $database" >/dev/null
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  "$bin/psql" -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# One deployment's settings; each instance gets its own HOME and DATA_DIR below.
export ASPNETCORE_ENVIRONMENT=Development PUBLIC_URL="$a"
export DATABASE_URL="Host=$pg_host;Port=$pg_port;Username=$pg_user;Database=$database"
export ENCRYPTION_KEY="$(openssl rand -base64 32)"
export AUTH_SIGNING_KEY="$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null)"
instance() { # name -> runs the rest of the command line as that instance
  local name="$1"; shift
  mkdir -p "$work/$name/home" "$work/$name/data"
  HOME="$work/$name/home" DATA_DIR="$work/$name/data" "$@"
}

# A server in the background: the subshell execs into dotnet, so the recorded pid is the server's own and the clean-up
# stops it (a function run in the background would leave its dotnet child running after the script).
serve() { # name url
  mkdir -p "$work/$1/home" "$work/$1/data"
  (export HOME="$work/$1/home" DATA_DIR="$work/$1/data"; exec dotnet "$server_dll" serve --urls "$2") >"$work/$1.log" 2>&1 &
  pids+=($!)
}

mode=embedded
if [ -n "$fga_dll" ]; then
  mode=openfga
  fga_port="$(free_port 18180)"
  control_port="$(free_port $((fga_port + 1)))"
  fga="http://127.0.0.1:$fga_port"
  fga_control="http://127.0.0.1:$control_port"
  fga_key="pair-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  (export OPENFGA_AUTHN_PRESHARED_KEYS="$fga_key"; exec dotnet "$fga_dll" --urls "$fga" --control-urls "$fga_control") >"$work/openfga.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$fga/stores" || true)" = 401 ] && curl -fsS "$fga_control/api" >/dev/null 2>&1; then break; fi
    kill -0 "${pids[0]}" 2>/dev/null || { cat "$work/openfga.log" >&2; exit 1; }
    sleep 0.25
  done
  export OPENFGA_API_URL="$fga" OPENFGA_API_TOKEN="$fga_key"
fi

instance a dotnet "$server_dll" migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }
if [ "$mode" = openfga ]; then
  OPENFGA_STORE_ID="$(sed -n 's/^OPENFGA_STORE_ID=\([^ ]*\).*/\1/p' "$work/migrate.log")"
  model_id="$(sed -n 's/^OPENFGA_MODEL_ID=\([^ ]*\).*/\1/p' "$work/migrate.log")"
  [ -n "$OPENFGA_STORE_ID" ] && [ -n "$model_id" ] || { echo "migrate printed no store and model id:" >&2; cat "$work/migrate.log" >&2; exit 1; }
  export OPENFGA_STORE_ID
  serve a "$a"
  OPENFGA_MODEL_ID="$model_id" serve b "$b"
else
  serve a "$a"
  serve b "$b"
fi

# Poll until both answer (bounded): a start-up wait in a script, not a timing assertion.
for base in "$a" "$b"; do
  for _ in $(seq 1 240); do
    if curl -fsS "$base/health/ready" >/dev/null 2>&1; then break; fi
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { cat "$work"/a.log "$work"/b.log >&2; exit 1; }; done
    sleep 0.25
  done
done

password='Pa1r-Instances-Passw0rd!'
# The admin commands below run as instance A would (same settings, A's home), one process each.
for who in ada ben; do
  printf '%s\n' "$password" | instance a dotnet "$server_dll" admin create-user --email "$who@example.com" --name "$who" --password-stdin >/dev/null 2>&1
done
ada_api="$(instance a dotnet "$server_dll" admin token --email ada@example.com --audience "$a/api" 2>/dev/null)"
ada_mcp="$(instance a dotnet "$server_dll" admin token --email ada@example.com --audience "$a/mcp" 2>/dev/null)"
ben_api="$(instance a dotnet "$server_dll" admin token --email ben@example.com --audience "$a/api" 2>/dev/null)"

status=0
if [ "$mode" = openfga ]; then
  # What pair.mjs needs to stop and start OpenFGA and to compare OpenFGA's tuples with the database's.
  export EF_PAIR_OPENFGA="$fga" EF_PAIR_OPENFGA_KEY="$fga_key" EF_PAIR_OPENFGA_STORE="$OPENFGA_STORE_ID" EF_PAIR_OPENFGA_CONTROL="$fga_control"
  export EF_PAIR_PSQL="$bin/psql" EF_PAIR_PSQL_ARGS="-h $pg_host -p $pg_port -U $pg_user -d $database"
fi
node "$(dirname "$0")/instances/pair.mjs" "$a" "$b" "$ada_api" "$ada_mcp" "$ben_api" ben@example.com "$password" || status=1
if [ "$status" -ne 0 ]; then
  if [ "$mode" = openfga ]; then echo "--- OpenFGA test server log (tail)" >&2; tail -n 20 "$work/openfga.log" >&2; fi
  echo "--- instance a log (tail)" >&2; tail -n 40 "$work/a.log" >&2
  echo "--- instance b log (tail)" >&2; tail -n 40 "$work/b.log" >&2
fi
exit "$status"
