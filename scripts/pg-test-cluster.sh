#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests, from Debian's postgresql-15 package.
#
#   scripts/pg-test-cluster.sh start DIR   creates the cluster in DIR (initdb, on first use) and starts
#                                          it; prints its URL, a database the tests may CREATE DATABASE
#                                          from, alone on stdout
#   scripts/pg-test-cluster.sh stop DIR    stops it (nothing to do if it is not running)
#   scripts/pg-test-cluster.sh replica DIR PRIMARY_DIR
#                                          makes DIR a streaming replica (hot standby) of the running
#                                          cluster in PRIMARY_DIR (pg_basebackup -R, on first use) and
#                                          starts it like `start`, on a port of its own; prints its URL.
#                                          `stop DIR` stops it.
#
# The server listens on 127.0.0.1 only, on a free port chosen at the first start and kept in DIR/port
# (so stop then start brings it back at the same URL), with its unix socket in DIR. The superuser
# `postgres` logs in over TCP with a random password kept in DIR/password. initdb refuses to run as
# root, so as root the server runs as the `postgres` system user (created by the Debian package),
# which then owns DIR. The log is DIR/postgres.log. PG_BIN overrides /usr/lib/postgresql/15/bin.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

usage() {
  echo "usage: $0 start|stop DIR, or $0 replica DIR PRIMARY_DIR" >&2
  exit 2
}

die() {
  echo "pg-test-cluster: $*" >&2
  exit 1
}

action=${1:-}
if [[ $action == replica ]]; then
  [[ $# -eq 3 && -n $3 && -d $3 ]] || usage
  primary_dir=$(cd "$3" && pwd)
else
  [[ $# -eq 2 ]] || usage
fi
[[ -n $2 ]] || usage
mkdir -p "$2"
dir=$(cd "$2" && pwd)
data=$dir/data
log=$dir/postgres.log
cd /  # the server's user may not be allowed into the caller's working directory

# Runs a command as the cluster's owner: ourselves, or `postgres` when we are root.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# True if something listens on TCP port $1 (read from /proc, so no extra tool is needed).
port_in_use() {
  local hex
  hex=$(printf '%04X' "$1")
  awk -v port="$hex" 'NR > 1 { split($2, local_addr, ":"); if (local_addr[2] == port && $4 == "0A") found = 1 }
                      END { exit found ? 0 : 1 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# Makes DIR ready for the server's user to own.
own_dir() {
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root, but there is no postgres user to run the server"
    chown postgres: "$dir"
    runuser -u postgres -- test -w "$dir" ||
      die "the postgres user cannot reach $dir (is a parent directory private?)"
  fi
  chmod 700 "$dir"
}

init_cluster() {
  [[ -x $PG_BIN/initdb ]] || die "no $PG_BIN/initdb (install postgresql-15)"
  own_dir
  local password
  password=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  (umask 077 && printf '%s\n' "$password" >"$dir/password")
  [[ $(id -u) -ne 0 ]] || chown postgres: "$dir/password"
  # --no-sync: a throwaway cluster need not survive a power cut while it is being created.
  as_owner "$PG_BIN/initdb" --pgdata="$data" --username=postgres --pwfile="$dir/password" \
    --auth-host=scram-sha-256 --auth-local=peer --encoding=UTF8 --locale=C.UTF-8 --no-sync \
    >"$dir/initdb.log" 2>&1 || die "initdb failed:
$(cat "$dir/initdb.log")"
}

# fsync and full-page writes off: what PostgreSQL writes reaches the kernel all the same, so a test that
# kills or restarts the server loses nothing acknowledged; only a crash of the machine could, and the
# cluster is thrown away. Each test's CREATE and DROP DATABASE then cost no flush to disk.
# PG_DURABLE=1 keeps PostgreSQL's defaults (every commit flushed), for measurements (bench/share.sh).
start_server() {
  local port=$1
  local options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir'"
  [[ ${PG_DURABLE:-0} == 1 ]] || options+=" -c fsync=off -c full_page_writes=off"
  as_owner "$PG_BIN/pg_ctl" --pgdata="$data" --log="$log" --wait --timeout=60 -o "$options" start \
    >/dev/null 2>&1
}

start() {
  [[ -f $data/PG_VERSION ]] || init_cluster
  if as_owner "$PG_BIN/pg_ctl" --pgdata="$data" status >/dev/null 2>&1; then
    die "the cluster in $dir is already running"
  fi
  local port started=""
  if [[ -f $dir/port ]]; then
    port=$(<"$dir/port")
    start_server "$port" && started=1
  else
    # A port below the kernel's range of ephemeral ports (ip_local_port_range), from which every
    # listener on port 0 and every outgoing connection takes theirs: a cluster restarted on the port it
    # had (the tests of an outage) finds it still free. A port free now may be taken before the server
    # binds it: try a few.
    local ephemeral_low=32768
    read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || ephemeral_low=32768
    ((ephemeral_low > 12000)) || ephemeral_low=32768
    for _ in 1 2 3 4 5 6 7 8; do
      port=$((10000 + RANDOM % (ephemeral_low - 10000)))
      port_in_use "$port" && continue
      if start_server "$port"; then
        started=1
        echo "$port" >"$dir/port"
        break
      fi
    done
  fi
  [[ -n $started ]] || die "the server did not start; its log ($log) ends with:
$(tail -n 20 "$log" 2>/dev/null)"
  for _ in $(seq 1 100); do
    if "$PG_BIN/pg_isready" --host=127.0.0.1 --port="$port" --timeout=2 >/dev/null 2>&1; then
      echo "postgresql://postgres:$(<"$dir/password")@127.0.0.1:$port/postgres"
      return 0
    fi
    sleep 0.1
  done
  die "the server started but does not accept connections on 127.0.0.1:$port; see $log"
}

# A copy of the cluster in $primary_dir, taken with pg_basebackup over a replication connection, that
# follows it by streaming (--write-recovery-conf: standby.signal and primary_conninfo); then `start`.
replica() {
  [[ -f $primary_dir/port && -f $primary_dir/password ]] || die "no cluster in $primary_dir"
  if [[ ! -f $data/PG_VERSION ]]; then
    own_dir
    (umask 077 && cp "$primary_dir/password" "$dir/password")
    [[ $(id -u) -ne 0 ]] || chown postgres: "$dir/password"
    as_owner env PGPASSWORD="$(<"$primary_dir/password")" "$PG_BIN/pg_basebackup" --pgdata="$data" \
      --host=127.0.0.1 --port="$(<"$primary_dir/port")" --username=postgres --write-recovery-conf \
      --wal-method=stream --checkpoint=fast --no-sync >"$dir/basebackup.log" 2>&1 ||
      die "pg_basebackup failed:
$(cat "$dir/basebackup.log")"
  fi
  start
}

stop() {
  [[ -f $data/PG_VERSION ]] || return 0
  as_owner "$PG_BIN/pg_ctl" --pgdata="$data" status >/dev/null 2>&1 || return 0
  as_owner "$PG_BIN/pg_ctl" --pgdata="$data" --mode=fast --wait --timeout=30 stop >/dev/null 2>&1 ||
    as_owner "$PG_BIN/pg_ctl" --pgdata="$data" --mode=immediate --wait stop >/dev/null 2>&1 ||
    die "the server in $dir does not stop; see $log"
}

case $action in
  start) start ;;
  stop) stop ;;
  replica) replica ;;
  *) usage ;;
esac
