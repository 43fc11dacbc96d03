#!/usr/bin/env bash
# HTTP benchmark of the share endpoint (and of message ingest): taskshare against nginx serving the
# identical response bytes from files, both pinned to CPU 0, wrk pinned to CPU 1, in one run.
#
#   bench/share.sh            (Debian 12, as root or with sudo, from the repository root or anywhere)
#
# Installs what it needs, builds Release into build-bench/, loads the transcripts of bench/gen_task.py
# (deterministic; nothing outside the repository is read) through the public API, runs the cases below
# against both servers and prints one table. Raw wrk outputs and the table are kept in
# build-bench/results/<date>/.
#
#   a hot      one shared 30-message task (~16 KB)
#   b gzip     the same with Accept-Encoding: gzip (nginx: share.gz through gzip_static)
#   c spread   SPREAD_TASKS shared 30-message tasks, a random one per request, with a response cache
#              budget of about a third of their bytes (when taskshare has --cache-bytes)
#   d large    one LARGE_MESSAGES-message task (~5 MB)
#   e refused  a private task (taskshare answers 403; nginx serves the same body as a file, with 200)
#   f ingest   POST /api/v1/tasks/{id}/messages, 100 fresh messages a request, across INGEST_TASKS
#              tasks; reported in messages/s, taskshare only
#   g hostile  case a's link (another user's, cached) while a hostile account (bench/hostile.py, on
#              CPU 1 with wrk at the idle scheduling class, HOSTILE_THREADS connections) replaces its
#              secrets, deletes secrets it does not have, views its own public task that names as many
#              secrets as the server lets it store, as large as it lets them be, appends to that task
#              and creates schedules, all as fast as it can; taskshare only
#   h page     the share page of case a's link, anonymous (from the cache), on a server that also signs
#              readers in by an authenticating proxy's header (--auth-header, --trusted-proxy 127.0.0.1);
#              taskshare only
#   h signed-in the page of a team task (case a's 30 messages) read by a signed-in teammate through that
#              header: built for its reader on every request, never cached (docs/sign-in.md); taskshare only
#
# Then, unless POSTGRES=0, cases c and f again on PostgreSQL (a cluster of scripts/pg-test-cluster.sh,
# pinned to CPU 0 with the servers): "taskshare pg" is one node, "taskshare pg x2" two nodes on the
# same database, each with the same cache budget, with wrk's two threads one on each (bench/nodes.lua).
# The PostgreSQL data is loaded through the API with synchronous_commit off, which is then turned back
# on (the default: each commit flushed) before anything is measured.
#
# Settings (environment): DURATION (seconds or wrk syntax, default 10), WARMUP (seconds of unrecorded
# load before each measured run, default 2, 0 for none), SPREAD_WARMUP (the same for case c, default 15:
# long enough for taskshare's cache to fill, so that c measures its steady state), PG_READ_THREADS
# (--read-threads of the PostgreSQL nodes, default 2: their reads wait on the database; on SQLite
# taskshare keeps its default, one read thread a usable CPU), CONNECTIONS (64), SPREAD_TASKS (100000),
# LARGE_MESSAGES (10000), INGEST_TASKS (16), INGEST_CONNECTIONS (16), LOAD_THREADS (16), WRK_TIMEOUT
# (10s), LOAD_ON_TMPFS (1: load into a database on /dev/shm, then move it to disk before the benchmark; the
# default when /dev/shm has room, as commits there skip the fsync that caps loading at a few hundred
# requests/s; 0: load straight onto disk), HOSTILE_THREADS (2), KEEP_TMP=1 (keep the temporary folder with the database
# and nginx's files), POSTGRES (1: also the PostgreSQL rows, the default; 0: SQLite and nginx only), SERVE_ARGS (more
# flags for every taskshare serve, split at spaces, to compare settings: SERVE_ARGS="--network-slice-us 0"),
# TASKSHARE_BIN (a taskshare binary to measure instead of building one, to compare two builds on the same
# transcripts: build the other commit in a git worktree, then run this script once with each binary).
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
BENCH="$REPO/bench"
BUILD="$REPO/build-bench"
BIN=${TASKSHARE_BIN:-$BUILD/taskshare}

DURATION=${DURATION:-10}
[[ $DURATION =~ ^[0-9]+$ ]] && DURATION="${DURATION}s"
WARMUP=${WARMUP:-2}
SPREAD_WARMUP=${SPREAD_WARMUP:-15}
PG_READ_THREADS=${PG_READ_THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
SPREAD_TASKS=${SPREAD_TASKS:-100000}
LARGE_MESSAGES=${LARGE_MESSAGES:-10000}
INGEST_TASKS=${INGEST_TASKS:-16}
INGEST_CONNECTIONS=${INGEST_CONNECTIONS:-16}
INGEST_BATCH=100
LOAD_THREADS=${LOAD_THREADS:-16}
HOSTILE_THREADS=${HOSTILE_THREADS:-2}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
KEEP_TMP=${KEEP_TMP:-0}
LOAD_ON_TMPFS=${LOAD_ON_TMPFS:-auto}
POSTGRES=${POSTGRES:-1}
SERVE_ARGS=${SERVE_ARGS:-}

WORK=""
LOAD_DIR=""
TS_PID=""
NGINX_PID=""
CHILD_PID=""
HOSTILE_PID=""
TS2_PID=""
PG_DIR=""

log() { printf '\n== %s\n' "$*"; }
die() {
  printf 'share.sh: %s\n' "$*" >&2
  exit 1
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

stop_pid() {
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Runs a command as a child that cleanup can stop, so that INT or TERM end the run at once.
run_child() {
  "$@" &
  CHILD_PID=$!
  wait "$CHILD_PID"
  CHILD_PID=""
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$CHILD_PID"
  stop_pid "$HOSTILE_PID"
  stop_pid "$TS_PID"
  stop_pid "$TS2_PID"
  stop_pid "$NGINX_PID"
  if [[ -n $PG_DIR ]]; then
    "$REPO/scripts/pg-test-cluster.sh" stop "$PG_DIR" || echo "share.sh: could not stop PostgreSQL in $PG_DIR" >&2
  fi
  if [[ -n $LOAD_DIR && $LOAD_DIR != "$WORK" ]]; then
    rm -rf "$LOAD_DIR"
  fi
  if [[ -n $WORK && -d $WORK ]]; then
    if [[ $KEEP_TMP == 1 ]]; then
      echo "kept $WORK"
    else
      rm -rf "$WORK"
    fi
  fi
  exit "$rc"
}

install_packages() {
  log "packages"
  "$REPO/scripts/install-deps.sh"
  local missing=() p
  for p in wrk nginx-light python3 util-linux postgresql-15; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    local sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    echo "Installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  (($(nproc) >= 2)) || die "needs at least 2 CPUs (servers on CPU 0, wrk on CPU 1)"
}

build() {
  if [[ -n ${TASKSHARE_BIN:-} ]]; then
    log "taskshare: $BIN (TASKSHARE_BIN), not built"
    [[ -x $BIN ]] || die "TASKSHARE_BIN is not an executable: $BIN"
    mkdir -p "$BUILD"
    return
  fi
  log "build (Release, build-bench/)"
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTASKSHARE_BUILD_TESTS=OFF >/dev/null
  ninja -C "$BUILD" taskshare
}

find_inputs() {
  GEN_TASK="$BENCH/gen_task.py"
  NGINX_CONF_SRC="$BENCH/nginx-baseline.conf"
  [[ -f $GEN_TASK && -f $NGINX_CONF_SRC ]] || die "bench/gen_task.py or bench/nginx-baseline.conf is missing"
  echo "transcripts from $GEN_TASK, nginx configuration from $NGINX_CONF_SRC"
}

make_workdir() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/taskshare-bench.XXXXXX")
  chmod 755 "$WORK"  # nginx's worker runs as nobody
  WWW="$WORK/www"
  DATA="$WORK/data"
  mkdir -p "$WWW" "$DATA"
  LOAD_DIR=$WORK
  if [[ $LOAD_ON_TMPFS == auto ]]; then
    LOAD_ON_TMPFS=0
    local need_kib=$((SPREAD_TASKS * 40 + 200 * 1024))
    if [[ -d /dev/shm ]] && (($(df -Pk /dev/shm | awk 'NR == 2 { print $4 }') > need_kib)); then
      LOAD_ON_TMPFS=1
    fi
  fi
  if [[ $LOAD_ON_TMPFS == 1 ]]; then
    LOAD_DIR=$(mktemp -d /dev/shm/taskshare-bench-load.XXXXXX)
  fi
  # Secrets need a key; only the hostile account (case g) stores any.
  TASKSHARE_SECRETS_KEY=$(python3 -c 'import os; print(os.urandom(32).hex())')
  export TASKSHARE_SECRETS_KEY
  RESULTS="$BUILD/results/$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$RESULTS"
  : >"$RESULTS/rows.tsv"
}

# Waits until something accepts connections on 127.0.0.1:$1 while process $2 lives.
wait_for_port() {
  local port=$1 pid=$2 _
  for _ in $(seq 200); do
    kill -0 "$pid" 2>/dev/null || return 1
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

has_cache_flag() { "$BIN" serve --help 2>&1 | grep -q -- '--cache-bytes'; }
has_auth_header_flag() { "$BIN" serve --help 2>&1 | grep -q -- '--auth-header'; }

# start_taskshare DB [CACHE_BYTES [READ_THREADS]]: serves DB on a free port, pinned to CPU 0 with one
# network thread.
start_taskshare() {
  local args=(serve --threads 1 --listen 127.0.0.1:0 --db "$1" --access-log off --rate-limit 0)
  # shellcheck disable=SC2206  # SERVE_ARGS is split into words on purpose
  [[ -n $SERVE_ARGS ]] && args+=($SERVE_ARGS)
  [[ -n ${2:-} ]] && args+=(--cache-bytes "$2")
  [[ -n ${3:-} ]] && args+=(--read-threads "$3")
  local log="$WORK/taskshare.log"
  : >"$log"
  taskset -c 0 "$BIN" "${args[@]}" 2>>"$log" &
  TS_PID=$!
  local line="" _
  for _ in $(seq 200); do
    line=$(grep -m1 -o 'taskshare listening on http://[^ ]*' "$log" || true)
    [[ -n $line ]] && break
    kill -0 "$TS_PID" 2>/dev/null || break
    sleep 0.05
  done
  [[ -n $line ]] || {
    cat "$log" >&2
    die "taskshare did not start"
  }
  TS_URL=${line#taskshare listening on }
  # The arguments as run, with a database URL's password masked (postgresql://user:***@host/db).
  echo "taskshare $TS_URL (pid $TS_PID): $(sed -E 's#(://[^:/@ ]+:)[^@ ]+@#\1***@#g' <<<"${args[*]}")"
}

stop_taskshare() {
  stop_pid "$TS_PID"
  TS_PID=""
}

load_data() {
  log "load through the API"
  if [[ $LOAD_DIR != "$WORK" ]]; then
    echo "loading into $LOAD_DIR (tmpfs); the database moves to $WORK before the benchmark"
  fi
  local db="sqlite:$LOAD_DIR/bench.db"
  API_KEY=$("$BIN" user add --email bench@example.com --team bench --db "$db")
  "$BIN" user add --email reader@example.com --team bench --db "$db" >/dev/null  # case h's teammate
  HOSTILE_KEY=$("$BIN" user add --email hostile@example.com --db "$db")
  start_taskshare "$db"
  local t0
  t0=$(now)
  run_child taskset -c 1 python3 "$BENCH/load.py" load --base "$TS_URL" --key "$API_KEY" --gen "$GEN_TASK" \
    --out "$DATA" --spread "$SPREAD_TASKS" --large-messages "$LARGE_MESSAGES" \
    --ingest-tasks "$INGEST_TASKS" --threads "$LOAD_THREADS"
  LOAD_SECONDS=$(since "$t0")
  echo "loading took ${LOAD_SECONDS}s"
  HOT_ID=$(json_field "$DATA/ids.json" hot)
  LARGE_ID=$(json_field "$DATA/ids.json" large)
  PRIVATE_ID=$(json_field "$DATA/ids.json" private)
  TEAM_ID=$(json_field "$DATA/ids.json" team)
}

fetch_for_nginx() {
  log "share responses for nginx"
  local t0
  t0=$(now)
  run_child taskset -c 1 python3 "$BENCH/load.py" fetch --base "$TS_URL" --out "$DATA" --root "$WWW" \
    --threads "$LOAD_THREADS"
  FETCH_SECONDS=$(since "$t0")
  local sizes="$DATA/sizes.json"
  WORKING_SET=$(json_field "$sizes" spread_bytes)
  GZIP_NATIVE=$(json_field "$sizes" hot_gzip_native)
  echo "hot $(json_field "$sizes" hot) bytes (gzip $(json_field "$sizes" hot_gzip))," \
    "large $(json_field "$sizes" large) bytes ($(json_field "$sizes" large_messages) messages)," \
    "refused $(json_field "$sizes" refused) bytes," \
    "spread working set $WORKING_SET bytes ($(mib "$WORKING_SET"), $SPREAD_TASKS tasks)"
  if [[ $GZIP_NATIVE != True ]]; then
    echo "note: taskshare answers Accept-Encoding: gzip uncompressed; nginx's share.gz is gzip -6 of its body"
  fi
}

restart_taskshare_with_budget() {
  log "taskshare for the benchmark"
  stop_taskshare
  if [[ $LOAD_DIR != "$WORK" ]]; then
    mv "$LOAD_DIR"/bench.db* "$WORK/"
    echo "moved the database to $WORK ($(du -sh "$WORK/bench.db" | cut -f1))"
  fi
  sync  # nothing left to write back while measuring
  CACHE_BYTES=""
  if has_cache_flag; then
    CACHE_BYTES=$((WORKING_SET / 3))
    echo "cache budget $CACHE_BYTES bytes ($(mib "$CACHE_BYTES")) = 1/3 of the spread working set" \
      "$WORKING_SET bytes ($(mib "$WORKING_SET"))"
  else
    echo "note: taskshare serve has no --cache-bytes: no response cache budget is set" \
      "(spread working set $WORKING_SET bytes, $(mib "$WORKING_SET"))"
  fi
  start_taskshare "sqlite:$WORK/bench.db" "$CACHE_BYTES"
}

start_nginx() {
  log "nginx"
  local port
  port=$(free_port)
  sed -e "s|@ROOT@|$WWW|g" -e "s|@PORT@|$port|g" "$NGINX_CONF_SRC" >"$WORK/nginx.conf"
  taskset -c 0 nginx -c "$WORK/nginx.conf" -e "$WWW/error.log" -g 'daemon off;' &
  NGINX_PID=$!
  wait_for_port "$port" "$NGINX_PID" || {
    cat "$WWW/error.log" >&2 || true
    die "nginx did not start"
  }
  NGINX_URL="http://127.0.0.1:$port"
  echo "nginx $NGINX_URL (pid $NGINX_PID), $(nginx -v 2>&1)"
  python3 "$BENCH/load.py" verify --base "$TS_URL" --nginx "$NGINX_URL" --out "$DATA"
}

# CPU time in clock ticks used so far by process $1 and its child processes (nginx's worker).
cpu_ticks() {
  local total=0 p
  for p in "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# The same for every process named (taskshare nodes and PostgreSQL's postmaster, say).
cpu_ticks_all() {
  local total=0 p
  for p in "$@"; do total=$((total + $(cpu_ticks "$p"))); done
  echo "$total"
}

# Busy (user, nice, system, irq, softirq) and stolen clock ticks of CPU $1 so far.
cpu_stat() { awk -v c="cpu$1" '$1 == c { print $2 + $3 + $4 + $7 + $8, $9 }' /proc/stat; }

# CPU time in clock ticks of this script's waited-for children (wrk, once it has ended).
own_children_ticks() { awk '{ print $16 + $17 }' "/proc/$$/stat"; }

# other_cpu_use BEFORE AFTER, each "busy0 steal0 busy1 steal1 server_ticks children_ticks time":
# how busy CPU 0 was with anything but the server, CPU 1 with anything but wrk, and how much time the
# hypervisor stole from each, in percent of the run.
other_cpu_use() {
  awk -v hz="$(getconf CLK_TCK)" -v b="$1" -v a="$2" 'BEGIN {
    split(b, x, " "); split(a, y, " "); ticks = (y[7] - x[7]) * hz
    printf "%.0f %.0f %.0f %.0f", 100 * ((y[1] - x[1]) - (y[5] - x[5])) / ticks,
      100 * ((y[3] - x[3]) - (y[6] - x[6])) / ticks, 100 * (y[2] - x[2]) / ticks, 100 * (y[4] - x[4]) / ticks
  }'
}

# Waits (up to 60 s) until the processes named have gone quiet: requests that wrk abandoned when it
# stopped are still being answered, and must not eat into the next run.
wait_idle() {
  [[ ${SKIP_IDLE_WAIT:-0} == 1 ]] && return 0  # the server is kept busy on purpose
  local before after _
  for _ in $(seq 240); do
    before=$(cpu_ticks_all "$@")
    sleep 0.25
    after=$(cpu_ticks_all "$@")
    ((after - before <= 1)) && return 0
  done
  echo "  warning: processes $* still busy after 60 s" >&2
}

# run_wrk CASE SERVER CONNECTIONS URL EXPECT [wrk options...]: one warm-up, one measured run. The
# measured runs of both servers draw the same random ids (spread.lua), the warm-up other ones.
# SERVER_PIDS (default: taskshare's or nginx's pid) are the processes whose CPU time counts as the
# server's, WRK_THREADS (default 1) wrk's -t.
run_wrk() {
  local case=$1 server=$2 conns=$3 url=$4 expect=$5
  shift 5
  local out="$RESULTS/${case// /-}-${server// /-}.txt" mult=1 pids=${SERVER_PIDS:-$TS_PID} threads=${WRK_THREADS:-1}
  [[ $server == nginx ]] && pids=$NGINX_PID
  [[ $case == *ingest* ]] && mult=$INGEST_BATCH
  local warmup=${CASE_WARMUP:-$WARMUP}
  if [[ $warmup != 0 ]]; then
    BENCH_SEED=$((RANDOM + 2)) run_child taskset -c 1 wrk -t"$threads" -c"$conns" -d"${warmup}s" --timeout "$WRK_TIMEOUT" "$@" "$url" >/dev/null
    wait_idle $pids
  fi
  local before after
  before="$(cpu_stat 0) $(cpu_stat 1) $(cpu_ticks_all $pids) $(own_children_ticks) $(now)"
  BENCH_SEED=1 run_child taskset -c 1 wrk -t"$threads" -c"$conns" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency "$@" "$url" >"$out"
  after="$(cpu_stat 0) $(cpu_stat 1) $(cpu_ticks_all $pids) $(own_children_ticks) $(now)"
  wait_idle $pids
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$server" "$out" "$mult" "$expect" \
    "$(other_cpu_use "$before" "$after")" >>"$RESULTS/rows.tsv"
  printf '  %-10s %-9s %s\n' "$case" "$server" "$(grep -h '^Requests/sec' "$out" || echo 'no result')"
}

json_field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

rss_kib() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }

base_url() { [[ $1 == taskshare ]] && echo "$TS_URL" || echo "$NGINX_URL"; }

share_url() { echo "$(base_url "$1")/api/v1/tasks/$2/share"; }

run_cases() {
  log "wrk: $DURATION per run (warm-up ${WARMUP}s), -t1, wrk on CPU 1, servers on CPU 0"
  local server
  for server in taskshare nginx; do
    run_wrk "a hot" "$server" "$CONNECTIONS" "$(share_url "$server" "$HOT_ID")" 200
  done
  for server in taskshare nginx; do
    run_wrk "b gzip" "$server" "$CONNECTIONS" "$(share_url "$server" "$HOT_ID")" 200 -H "Accept-Encoding: gzip"
  done

  # Memory is read before and after, never during: a sampler's wakeups took CPU 0 from the server
  # (the peak is VmHWM, which the kernel keeps).
  RSS_BEFORE_C=$(rss_kib "$TS_PID" VmRSS)
  CASE_WARMUP=$SPREAD_WARMUP BENCH_IDS="$DATA/spread_ids.txt" \
    run_wrk "c spread" taskshare "$CONNECTIONS" "$TS_URL" 200 -s "$BENCH/spread.lua"
  RSS_AFTER_C=$(rss_kib "$TS_PID" VmRSS)
  HWM_AFTER_C=$(rss_kib "$TS_PID" VmHWM)
  CASE_WARMUP=$SPREAD_WARMUP BENCH_IDS="$DATA/spread_ids.txt" \
    run_wrk "c spread" nginx "$CONNECTIONS" "$NGINX_URL" 200 -s "$BENCH/spread.lua"

  for server in taskshare nginx; do
    run_wrk "d large" "$server" "$CONNECTIONS" "$(share_url "$server" "$LARGE_ID")" 200
  done
  run_wrk "e refused" taskshare "$CONNECTIONS" "$(share_url taskshare "$PRIVATE_ID")" 403
  run_wrk "e refused" nginx "$CONNECTIONS" "$(share_url nginx "$PRIVATE_ID")" 200

  local before after
  before=$(python3 "$BENCH/load.py" count --base "$TS_URL" --key "$API_KEY" --out "$DATA")
  BENCH_IDS="$DATA/ingest_ids.txt" BENCH_MESSAGES="$DATA/ingest_messages.txt" BENCH_BATCH=$INGEST_BATCH \
    BENCH_NONCE=$(printf '%08x' $((RANDOM * 32768 + RANDOM))) WARMUP=0 \
    run_wrk "f ingest" taskshare "$INGEST_CONNECTIONS" "$TS_URL" 200 -s "$BENCH/ingest.lua" \
    -H "X-Api-Key: $API_KEY" -H "Content-Type: application/json"
  after=$(python3 "$BENCH/load.py" count --base "$TS_URL" --key "$API_KEY" --out "$DATA")
  INGEST_STORED=$((after - before))
  INGEST_ACKED=$(($(awk '/ requests in /{ print $1 }' "$RESULTS/f-ingest-taskshare.txt") * INGEST_BATCH))

  run_hostile
  run_signed_in
}

# Case h (see the header), on a server restarted to believe the proxy's sign-in header from loopback;
# skipped for a TASKSHARE_BIN from before signed-in readers.
run_signed_in() {
  if ! has_auth_header_flag; then
    echo "h: skipped, $BIN has no --auth-header"
    return 0
  fi
  stop_taskshare
  SERVE_ARGS="$SERVE_ARGS --auth-header X-Forwarded-Email --trusted-proxy 127.0.0.1" \
    start_taskshare "sqlite:$WORK/bench.db" "$CACHE_BYTES"
  run_wrk "h page" taskshare "$CONNECTIONS" "$TS_URL/share/$HOT_ID" 200
  run_wrk "h signed-in" taskshare "$CONNECTIONS" "$TS_URL/share/$TEAM_ID" 200 \
    -H "X-Forwarded-Email: reader@example.com"
}

# Case g: case a's link measured while the hostile account works (see the header). It starts before
# the warm-up and stops after the measured run.
run_hostile() {
  python3 "$BENCH/hostile.py" setup --base "$TS_URL" --key "$HOSTILE_KEY" --out "$DATA/hostile.json"
  local seconds=60
  [[ $DURATION =~ ^([0-9]+)s$ ]] && seconds=$((BASH_REMATCH[1] + WARMUP + 3))
  # The hostile client shares CPU 1 with wrk: at the idle scheduling class it takes only what wrk leaves,
  # so that what it costs the server, not what it costs wrk, is what the measured link shows.
  taskset -c 1 chrt --idle 0 python3 "$BENCH/hostile.py" run --base "$TS_URL" --key "$HOSTILE_KEY" --state "$DATA/hostile.json" \
    --seconds "$seconds" --threads "$HOSTILE_THREADS" >"$RESULTS/g-hostile-account.txt" &
  HOSTILE_PID=$!
  sleep 1
  SKIP_IDLE_WAIT=1 run_wrk "g hostile" taskshare "$CONNECTIONS" "$(share_url taskshare "$HOT_ID")" 200
  wait "$HOSTILE_PID" || die "the hostile account failed: $(cat "$RESULTS/g-hostile-account.txt")"
  HOSTILE_PID=""
  HOSTILE_NOTE=$(cat "$RESULTS/g-hostile-account.txt")
  wait_idle "$TS_PID"
}

# ---- PostgreSQL: cases c and f with one node and with two nodes on the same database ----

psql_bench() { psql "$PG_URL" -X -q -v ON_ERROR_STOP=1 "$@"; }

start_postgres() {
  log "PostgreSQL (scripts/pg-test-cluster.sh, on CPU 0 with the servers)"
  PG_DIR="$WORK/pg"
  mkdir -p "$PG_DIR"
  local server_url
  server_url=$(PG_DURABLE=1 taskset -c 0 "$REPO/scripts/pg-test-cluster.sh" start "$PG_DIR")
  PG_URL=$server_url
  psql_bench -c "CREATE DATABASE bench"
  PG_URL=${server_url%/postgres}/bench
  PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
  echo "PostgreSQL $("$PG_BIN_DIR/postgres" --version | awk '{ print $3 }') on ${PG_URL#*@} (postmaster $PG_PID)"
}

load_postgres() {
  log "load PostgreSQL through the API (synchronous_commit off while loading)"
  PG_DATA="$DATA/pg"
  mkdir -p "$PG_DATA"
  psql_bench -c "ALTER SYSTEM SET synchronous_commit = off" -c "SELECT pg_reload_conf()" >/dev/null
  PG_API_KEY=$("$BIN" user add --email bench@example.com --db "$PG_URL")
  start_taskshare "$PG_URL"
  local t0
  t0=$(now)
  run_child taskset -c 1 python3 "$BENCH/load.py" load --base "$TS_URL" --key "$PG_API_KEY" --gen "$GEN_TASK" \
    --out "$PG_DATA" --spread "$SPREAD_TASKS" --large-messages 1 --ingest-tasks "$INGEST_TASKS" \
    --threads "$LOAD_THREADS"
  PG_LOAD_SECONDS=$(since "$t0")
  stop_taskshare
  psql_bench -c "ALTER SYSTEM RESET synchronous_commit" -c "SELECT pg_reload_conf()" -c "VACUUM ANALYZE" \
    -c "CHECKPOINT" >/dev/null
  echo "loading took ${PG_LOAD_SECONDS}s; synchronous_commit is back to $(psql_bench -Atc 'SHOW synchronous_commit')"
}

# start_pg_nodes N: N taskshare nodes on the PostgreSQL database, each with the spread case's cache
# budget; TS_PID and TS_URL are the first, NODE_PIDS and NODE_ADDRS all of them.
start_pg_nodes() {
  NODE_PIDS=""
  NODE_ADDRS=""
  local i pid url
  for i in $(seq "$1"); do
    start_taskshare "$PG_URL" "$CACHE_BYTES" "$PG_READ_THREADS"
    NODE_PIDS+=" $TS_PID"
    NODE_ADDRS+="${NODE_ADDRS:+,}${TS_URL#http://}"
    if ((i == 1)); then
      pid=$TS_PID
      url=$TS_URL
    else
      TS2_PID=$TS_PID
    fi
  done
  TS_PID=$pid
  TS_URL=$url
}

stop_pg_nodes() {
  stop_taskshare
  stop_pid "$TS2_PID"
  TS2_PID=""
}

# run_pg_cases SERVER NODES
run_pg_cases() {
  local server=$1 nodes=$2
  start_pg_nodes "$nodes"
  SERVER_PIDS="$NODE_PIDS $PG_PID" WRK_THREADS=$nodes BENCH_NODES=$NODE_ADDRS BENCH_IDS="$PG_DATA/spread_ids.txt" \
    CASE_WARMUP=$SPREAD_WARMUP BENCH_SCRIPT="$BENCH/spread.lua" \
      run_wrk "c spread" "$server" "$CONNECTIONS" "$TS_URL" 200 -s "$BENCH/nodes.lua"
  local before after
  before=$(python3 "$BENCH/load.py" count --base "$TS_URL" --key "$PG_API_KEY" --out "$PG_DATA")
  BENCH_IDS="$PG_DATA/ingest_ids.txt" BENCH_MESSAGES="$PG_DATA/ingest_messages.txt" BENCH_BATCH=$INGEST_BATCH \
    BENCH_NONCE=$(printf '%08x' $((RANDOM * 32768 + RANDOM))) WARMUP=0 BENCH_SCRIPT="$BENCH/ingest.lua" \
    SERVER_PIDS="$NODE_PIDS $PG_PID" WRK_THREADS=$nodes BENCH_NODES=$NODE_ADDRS \
    run_wrk "f ingest" "$server" "$INGEST_CONNECTIONS" "$TS_URL" 200 \
    -s "$BENCH/nodes.lua" -H "X-Api-Key: $PG_API_KEY" -H "Content-Type: application/json"
  after=$(python3 "$BENCH/load.py" count --base "$TS_URL" --key "$PG_API_KEY" --out "$PG_DATA")
  PG_INGEST_NOTES+="f ingest, $server: $(($(awk '/ requests in /{ print $1 }' \
    "$RESULTS/f-ingest-${server// /-}.txt") * INGEST_BATCH)) messages acknowledged, $((after - before)) stored"$'\n'
  stop_pg_nodes
}

run_postgres() {
  [[ $POSTGRES == 1 ]] || return 0
  stop_taskshare  # the SQLite node: its CPU is the PostgreSQL rows' now
  PG_BIN_DIR=${PG_BIN:-/usr/lib/postgresql/15/bin}
  start_postgres
  load_postgres
  log "wrk on PostgreSQL: one node, then two nodes on the same database"
  PG_INGEST_NOTES=""
  run_pg_cases "taskshare pg" 1
  run_pg_cases "taskshare pg x2" 2
}

report() {
  log "results ($RESULTS)"
  {
    local measured
    measured=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo '?')
    [[ -n ${TASKSHARE_BIN:-} ]] && measured="$BIN (TASKSHARE_BIN; the script at $measured)"
    echo "taskshare $measured, $(nginx -v 2>&1)," \
      "wrk -t1 -d$DURATION, $CONNECTIONS connections ($INGEST_CONNECTIONS for ingest), $(nproc) CPUs"
    echo
    python3 "$BENCH/report.py" "$RESULTS/rows.tsv" "$DURATION"
    echo
    if [[ -n $CACHE_BYTES ]]; then
      echo "c spread: cache budget $CACHE_BYTES bytes ($(mib "$CACHE_BYTES")), working set $WORKING_SET bytes" \
        "($(mib "$WORKING_SET"), $SPREAD_TASKS tasks)"
    else
      echo "c spread: no cache budget (serve has no --cache-bytes), working set $WORKING_SET bytes" \
        "($(mib "$WORKING_SET"), $SPREAD_TASKS tasks)"
    fi
    echo "c spread: taskshare VmRSS $(mib $((RSS_BEFORE_C * 1024))) before, $(mib $((RSS_AFTER_C * 1024)))" \
      "after; VmHWM (its peak since the restart before case a) $(mib $((HWM_AFTER_C * 1024)))"
    [[ $GZIP_NATIVE == True ]] || echo "b gzip: taskshare answered uncompressed (no gzip support yet)"
    echo "f ingest: $INGEST_ACKED messages acknowledged to wrk, $INGEST_STORED stored (the difference is" \
      "requests in flight when wrk stopped), batches of $INGEST_BATCH over $INGEST_TASKS tasks, no warm-up"
    echo "g $HOSTILE_NOTE"
    echo "load: ${LOAD_SECONDS}s through the API ($SPREAD_TASKS spread tasks, $LOAD_THREADS client threads," \
      "database on $([[ $LOAD_DIR != "$WORK" ]] && echo tmpfs || echo disk)); fetch for nginx: ${FETCH_SECONDS}s"
    if [[ $POSTGRES == 1 ]]; then
      printf '%s' "$PG_INGEST_NOTES"
      echo "PostgreSQL: loaded in ${PG_LOAD_SECONDS}s; the pg rows count PostgreSQL's CPU time as the server's;" \
        "x2 is two nodes with the same cache budget each, wrk -t2 with one thread on each node"
    fi
  } | tee "$RESULTS/table.txt"
}

main() {
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  local t0
  t0=$(now)
  install_packages
  build
  find_inputs
  make_workdir
  load_data
  fetch_for_nginx
  restart_taskshare_with_budget
  start_nginx
  run_cases
  run_postgres
  report
  echo "total $(since "$t0")s"
}

main "$@"
