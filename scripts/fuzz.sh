#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang-14 into build-fuzz/ and runs each of them:
# first on every input in tests/fuzz/regressions/<target>/, then fuzzing from a copy of its seed corpus
# tests/fuzz/corpus/<target>/ for a fixed number of executions. Exits non-zero if any input crashes,
# trips AddressSanitizer, UndefinedBehaviorSanitizer or LeakSanitizer, times out, or breaks one of the
# properties a target checks; prints the executions run per target.
#
#   ./scripts/fuzz.sh                       every target, FUZZ_RUNS executions each
#   ./scripts/fuzz.sh router markdown       only these targets
#   FUZZ_RUNS=1000000 ./scripts/fuzz.sh      more executions per target (default 100000)
#   FUZZ_SECONDS=600 ./scripts/fuzz.sh      instead, fuzz each target for this many seconds
#   FUZZ_SEED=1 ./scripts/fuzz.sh           a fixed libFuzzer seed (default: random, printed)
#
# Targets (see the header of each tests/fuzz/<target>_fuzz.cc for its input format and properties):
#   router          requests through api::Router::TryHandleNow/Handle on a real SQLite store
#   request_bodies  the JSON body parsers of every endpoint and of import, JsonReader, raw JSON walkers
#   markdown        RenderMarkdown and the other text renderers of the share page
#   schedules       the Schedules API's bodies and list query, the schedule rules and due-time grid
#   share_page      RenderSharePage and RenderErrorPage
#   ids             UUIDs, API key shapes, list cursors and queries, RFC 3339 times
#   redact          Redactor::RedactText and RedactJson
#
# Regressions: an input that once found a bug is kept as a file in tests/fuzz/regressions/<target>/
# (named after the bug) and replayed on every run, before fuzzing; a fix is done when its file passes.
# A new crash leaves its input in build-fuzz/artifacts/<target>/; reproduce it with
#   build-fuzz/tests/fuzz/<target>_fuzz build-fuzz/artifacts/<target>/crash-...
# and, once fixed, copy the file into tests/fuzz/regressions/<target>/.
# The corpus copies grow in a temporary directory and are thrown away; the committed seeds stay small.
# One run at a time per tree: a second waits for the first (build-fuzz/.lock).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build-fuzz
exec 9>build-fuzz/.lock
flock -n 9 || { echo "fuzz.sh: waiting for another run in build-fuzz/"; flock 9; }

all_targets=(ids markdown redact request_bodies router schedules share_page)
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
runs="${FUZZ_RUNS:-100000}"
seconds="${FUZZ_SECONDS:-}"

# -O1 -g1 as libFuzzer suggests (line tables for symbolized reports), without NDEBUG: assertions count.
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DTASKSHARE_BUILD_TESTS=OFF \
  -DTASKSHARE_BUILD_FUZZERS=ON >/dev/null
ninja -C build-fuzz -j 2 "${targets[@]/%/_fuzz}"

# Any sanitizer report ends the run as a crash, with a stack trace.
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
# The corpus copies, and the router target's SQLite database, live here: on tmpfs when there is one,
# as fsync is then cheap.
tmp_parent=/tmp
[[ -d /dev/shm && -w /dev/shm ]] && tmp_parent=/dev/shm
export TMPDIR="$(mktemp -d "$tmp_parent/taskshare-fuzz.XXXXXX")"
trap 'rm -rf "$TMPDIR"' EXIT

if [[ -n "$seconds" ]]; then budget=(-max_total_time="$seconds"); else budget=(-runs="$runs"); fi
seed=()
[[ -n "${FUZZ_SEED:-}" ]] && seed=(-seed="$FUZZ_SEED")
summary=()
failed=0
for t in "${targets[@]}"; do
  bin="build-fuzz/tests/fuzz/${t}_fuzz"
  work="$TMPDIR/$t"
  log="build-fuzz/logs/$t.log"
  mkdir -p "$work/corpus" "build-fuzz/artifacts/$t" "build-fuzz/logs"
  cp tests/fuzz/corpus/"$t"/* "$work/corpus/"
  start=$SECONDS

  regressions=()
  if [[ -d "tests/fuzz/regressions/$t" ]]; then
    mapfile -t regressions < <(find "tests/fuzz/regressions/$t" -type f | sort)
  fi
  if ((${#regressions[@]})) && ! "$bin" -timeout=25 "${regressions[@]}" >"$log.regressions" 2>&1; then
    echo "FAIL $t: a regression input fails again; see $log.regressions"
    tail -n 40 "$log.regressions"
    summary+=("$t: FAILED on a regression input")
    failed=1
    continue
  fi

  # -timeout: an input slower than this is a hang (the renderers and the redactor promise linear time).
  if "$bin" "${budget[@]}" "${seed[@]}" -timeout=25 -rss_limit_mb=2560 -print_final_stats=1 \
       -artifact_prefix="build-fuzz/artifacts/$t/" "$work/corpus" >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed=1
    echo "FAIL $t; the end of $log:"
    tail -n 60 "$log"
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  used_seed=$(sed -n 's/.*Seed: \([0-9]*\).*/\1/p' "$log" | head -n 1)
  summary+=("$t: $status, ${execs:-?} executions in $((SECONDS - start)) s, ${#regressions[@]} regression inputs, seed ${used_seed:-?}")
done

echo "fuzzing summary:"
printf '  %s\n' "${summary[@]}"
exit "$failed"
