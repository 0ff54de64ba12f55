#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and CI (Debian's postgresql).
#
#   eval "$(tests/pg/cluster.sh start)"   # exports TEST_DATABASE_URL, PG_CLUSTER_DIR
#   deno task test
#   tests/pg/cluster.sh stop              # reads PG_CLUSTER_DIR (or pass the dir)
#
# start: initdb into a new temporary directory owned by an unprivileged OS
# user (initdb and postgres refuse to run as root: as root the script uses
# PG_CLUSTER_USER, default "lora-bot-pg", created when missing), then starts
# it on a free port of 127.0.0.1 only, its unix socket inside that directory
# (never /var/run/postgresql), trust authentication (loopback, throwaway
# data), fsync off (nothing to keep), and creates the database "lora_test".
# It prints shell `export` lines on stdout and everything else on stderr.
# stop: stops the cluster (fast shutdown, then immediate) and removes the
# directory. Neither touches a system cluster nor needs systemd.
set -euo pipefail

PG_BIN=${PG_BIN:-}
if [ -z "$PG_BIN" ]; then
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && PG_BIN=$dir # the highest version wins
  done
fi
DB_USER=lora # the cluster's superuser (not an OS user)
DB_NAME=lora_test

die() {
  echo "cluster.sh: $*" >&2
  exit 1
}

# Runs a PostgreSQL binary as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$OWNER" -- "$@"
  else
    "$@"
  fi
}

free_port() {
  # deno is always there (CI installs it first); the port is free when
  # printed and the server binds it a moment later: good enough on loopback.
  deno eval --quiet 'const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    console.log(l.addr.port); l.close();'
}

start() {
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] ||
    die "no PostgreSQL server binaries (apt-get install postgresql)"
  local dir port
  dir=$(mktemp -d "${TMPDIR:-/tmp}/lora-pg.XXXXXX")
  if [ "$(id -u)" -eq 0 ]; then
    OWNER=${PG_CLUSTER_USER:-lora-bot-pg}
    if ! id -u "$OWNER" >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin "$OWNER" ||
        die "cannot create the OS user $OWNER"
    fi
    chown "$OWNER" "$dir"
    # Its parent may be private to root: the owner must reach the directory.
    chmod 0755 "$dir"
  else
    OWNER=$(id -un)
  fi
  as_owner "$PG_BIN/initdb" -D "$dir/data" -U "$DB_USER" --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; rm -rf "$dir"; die "initdb failed"; }
  as_owner mkdir -p "$dir/socket"
  port=$(free_port)
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
        -c max_connections=200" \
    start >&2 ||
    { cat "$dir/server.log" >&2; rm -rf "$dir"; die "pg_ctl start failed"; }
  as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U "$DB_USER" "$DB_NAME" ||
    { stop "$dir"; die "createdb failed"; }
  echo "export PG_CLUSTER_DIR='$dir'"
  echo "export TEST_DATABASE_URL='postgres://$DB_USER@127.0.0.1:$port/$DB_NAME'"
}

stop() {
  local dir=${1:-${PG_CLUSTER_DIR:-}}
  [ -n "$dir" ] || die "stop: which cluster? (pass its directory or set PG_CLUSTER_DIR)"
  [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    OWNER=$(stat -c %U "$dir/data")
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 20 stop >&2 ||
      as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
start) start ;;
stop) stop "${2:-}" ;;
*) die "usage: cluster.sh start | stop [DIR]" ;;
esac
