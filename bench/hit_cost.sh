#!/usr/bin/env bash
# Instructions per cached share read, counted by callgrind: a count, not a time, so it does not move
# with whatever else the machine is doing, and two builds compare exactly (the hot path's cost, which
# the wall-clock cases of bench/share.sh can only show through the noise of a shared machine).
#
#   bench/hit_cost.sh [BIN...]     (default: build/taskshare; installs valgrind if it is missing)
#
# For each binary: a fresh SQLite database holding the demo transcript (demo/, unlisted), the server
# under callgrind with one network thread, one request of each kind to fill the cache, then, counted,
# REQUESTS keep-alive GETs of the JSON share link, then REQUESTS of the page. Prints the instructions
# per request of each kind, binary by binary. Background work is kept out of the count: view counts are
# flushed once a day (--view-flush-ms) and instrumentation is on only while the requests run.
set -euo pipefail

cd "$(dirname "$0")/.."
REQUESTS=${REQUESTS:-2000}
bins=("$@")
[[ ${#bins[@]} -eq 0 ]] && bins=(build/taskshare)
if ! command -v valgrind >/dev/null; then
  sudo=$([[ $(id -u) -eq 0 ]] || echo sudo)
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valgrind
fi

tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

# Sends REQUESTS GETs of $2 on one connection to 127.0.0.1:$1 and checks each is a 200.
get_many() {
  python3 - "$1" "$2" "$REQUESTS" <<'PY'
import http.client, sys
port, path, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
for _ in range(n):
    c.request("GET", path)
    r = c.getresponse()
    r.read()
    if r.status != 200:
        sys.exit(f"{path}: {r.status}")
PY
}

# The instructions callgrind counted in process $1 since its last dump (a dump zeroes the counters;
# the dump files are named after $2).
counted() {
  callgrind_control -d "$1" >/dev/null 2>&1
  local dump
  dump=$(ls -t "$2".* | head -1)
  awk '/^(summary|totals):/ {print $2; exit}' "$dump"
}

printf '%-40s %14s %14s\n' binary "json instr/req" "page instr/req"
for bin in "${bins[@]}"; do
  db="sqlite:$tmp/$(basename "$bin")-$RANDOM.db"
  "$bin" user add --email bench@example.com --db "$db" >/dev/null
  id=$("$bin" import demo/pentest-transcript.json --owner bench@example.com --db "$db")
  out="$tmp/callgrind.out"
  rm -f "$out".*
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out.%p" \
    "$bin" serve --listen 127.0.0.1:0 --db "$db" --threads 1 --read-threads 1 --view-flush-ms 86400000 \
    --access-log off --rate-limit 0 2>"$tmp/serve.log" &
  pid=$!
  for _ in $(seq 600); do
    grep -q "listening on" "$tmp/serve.log" && break
    sleep 0.1
  done
  port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/serve.log")
  [[ -n $port ]] || { cat "$tmp/serve.log" >&2; exit 1; }
  json="/api/v1/tasks/$id/share"
  page="/share/$id"
  REQUESTS=1 get_many "$port" "$json"
  REQUESTS=1 get_many "$port" "$page"
  callgrind_control -i on "$pid" >/dev/null 2>&1
  counted "$pid" "$out" >/dev/null
  get_many "$port" "$json"
  json_count=$(counted "$pid" "$out")
  get_many "$port" "$page"
  page_count=$(counted "$pid" "$out")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  printf '%-40s %14d %14d\n' "$bin" $((json_count / REQUESTS)) $((page_count / REQUESTS))
done
