#!/usr/bin/env bash
# Starts a throw-away PostgreSQL 15 cluster on 127.0.0.1:${EF_PG_PORT:-55432} for the test suite and prints
# the connection string for EF_TEST_POSTGRES. The binaries are installed on CI machines but no server runs;
# CI runs as root, and PostgreSQL refuses to run as root, so the cluster belongs to the postgres user.
#   .ci/start-postgres.sh          start (a fresh cluster unless one already runs in EF_PG_DIR)
#   .ci/start-postgres.sh stop     stop the cluster in EF_PG_DIR at once (fast shutdown), keeping its data
#   .ci/start-postgres.sh resume   start that stopped cluster again, same port and data
# The fault tests own a second cluster (their own EF_PG_DIR and EF_PG_PORT) and stop and resume it under a running server.
set -euo pipefail
command="${1:-start}"

port="${EF_PG_PORT:-55432}"
# Another server on that port (a developer's own PostgreSQL, an earlier run) must not break the run: take the next free port.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
dir="${EF_PG_DIR:-/tmp/ef-pg-cluster}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 1; }

run_as_postgres() {
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    su postgres -s /bin/bash -c "$*"
  else
    bash -c "$*"
  fi
}

start_cluster() {
  # fsync off: a test cluster trades durability for speed; it is deleted after the run.
  run_as_postgres "'$bin/pg_ctl' -D '$dir' -l '$dir/server.log' -w -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start >/dev/null"
}

case "$command" in
  stop)
    run_as_postgres "'$bin/pg_ctl' -D '$dir' -m fast -w stop >/dev/null"
    exit 0 ;;
  resume)
    port="$(cat "$dir/ef-port")"
    start_cluster
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop|resume]" >&2; exit 2 ;;
esac

if [ -f "$dir/postmaster.pid" ] && run_as_postgres "'$bin/pg_ctl' -D '$dir' status" >/dev/null 2>&1; then
  echo "PostgreSQL already running in $dir" >&2
  if [ -f "$dir/ef-port" ]; then port="$(cat "$dir/ef-port")"; fi
else
  while port_in_use "$port"; do port=$((port + 1)); done
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" = "0" ] && { id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres; chown postgres "$dir"; }
  run_as_postgres "'$bin/initdb' -D '$dir' -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null"
  echo "$port" >"$dir/ef-port"
  start_cluster
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') started on 127.0.0.1:$port ($dir)" >&2
fi

echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
