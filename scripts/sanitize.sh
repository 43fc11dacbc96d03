#!/usr/bin/env bash
# Runs the C++ tests under sanitizers (GCC): the unit and integration tests under AddressSanitizer with
# UndefinedBehaviorSanitizer (build-asan/), then the concurrency tests under ThreadSanitizer
# (build-tsan/). Every target of each tree is instrumented (TASKSHARE_SANITIZE), so the integration
# tests start the sanitized taskshare binary of their own tree. Any sanitizer report fails the run: the
# runtimes halt on the first error, and since a report from the server the integration tests start
# (a child process whose output they keep to themselves) might not fail a test, every report is also
# written to build-*/sanitizer-logs/, and a non-empty directory fails the script.
# Under ASan the C++ tests run in two processes per test binary (gtest's sharding), not one process per
# test as ctest runs them in the plain build; the tests ctest labels gtest_serial run alone after them,
# and the other ctest entries (the README walkthrough, the browser sign-in tests) through ctest.
# The Node contract and e2e tests are left out: they test the same binary's HTTP answers, which the
# sanitizers do not change, and the plain build already runs them. So are the tests that hold the
# markdown renderer to a wall-clock bound (the sanitizers make code several times slower); the markdown
# and share_page fuzz targets run those renderers under ASan+UBSan instead.
#
#   ./scripts/sanitize.sh            both stages
#   ./scripts/sanitize.sh address    only ASan+UBSan;  ./scripts/sanitize.sh thread  only TSan
set -euo pipefail
cd "$(dirname "$0")/.."

stages=("$@")
((${#stages[@]})) || stages=(address thread)

# ThreadSanitizer runs the tests that race threads against each other (tests/CMakeLists.txt builds them
# into tsan_unit_tests and tsan_integration_tests, run here test by test): the store's contract suite and
# its concurrent writers and openers, the response cache's readers, writers and fillers, SQLite group
# commit, and the real server's network threads and pools under requests racing writes (cache
# revocation, concurrent appends), connection limits and graceful shutdown.
tsan_targets=(tsan_unit_tests tsan_integration_tests)
# Left out under ASan: the Node tests of the same binary's answers (ctest names), and the tests that hold
# the markdown renderer to a wall-clock bound (gtest patterns).
asan_excluded_ctest='^(contract|e2e)$'
asan_excluded_gtest='*MarkdownPathologicalTest*:*DenseMarkdown*'

# Runs every test of the gtest binary $1 in its own process, $2 at a time; prints each failure's output.
run_each_test() {
  local binary=$1 jobs=$2 out=$PWD/test-output
  echo "== ${binary##*/}"
  mkdir -p "$out"
  local tests
  tests=$("$binary" --gtest_list_tests | awk '/^[^ ]/ { suite = $1 } /^  / { print suite $1 }') || return 1
  printf '%s\n' "$tests" |
    xargs -P "$jobs" -I{} bash -c '
      log="$1/$(echo "$2" | tr "/" "_").log"
      if timeout 600 "$0" --gtest_brief=1 --gtest_filter="$2" >"$log" 2>&1; then rm -f "$log"
      else echo "FAILED: $2"; cat "$log"; rm -f "$log"; exit 1; fi' "$binary" "$out" {}
  local status=$?
  rmdir "$out" 2>/dev/null || true
  echo "${binary##*/}: $(printf '%s\n' "$tests" | grep -c .) tests, each in its own process:" \
    "$([[ $status == 0 ]] && echo passed || echo FAILED)"
  return "$status"
}

# Runs the tests of the gtest binary $1 that the gtest filter $2 selects in two processes side by side
# (gtest's sharding); prints each failing shard's output.
run_in_two_shards() {
  local binary=$1 filter=$2 out=$PWD/test-output status=0 i
  echo "== ${binary##*/}"
  mkdir -p "$out"
  local pids=()
  for i in 0 1; do
    GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=$i timeout 1800 "$binary" --gtest_brief=1 --gtest_filter="$filter" \
      >"$out/${binary##*/}-$i.log" 2>&1 &
    pids+=($!)
  done
  for i in 0 1; do
    if ! wait "${pids[$i]}"; then
      status=1
      echo "FAILED: ${binary##*/} shard $i of 2; its output ends with:"
      tail -n 400 "$out/${binary##*/}-$i.log"
    fi
    grep -h '^\[==========\]' "$out/${binary##*/}-$i.log" || true
  done
  rm -rf "$out"
  return "$status"
}

run_stage() {
  local kind=$1 dir=$2
  local logs="$PWD/$dir/sanitizer-logs"
  # One run at a time per tree (builds and the report directory are shared): a second waits.
  mkdir -p "$dir"
  exec 9>"$dir/.lock"
  flock -n 9 || { echo "sanitize.sh: waiting for another run in $dir/"; flock 9; }
  # -O1 -g1 (line tables, enough for symbolized reports) compiles in half the time of -O2 -g; without
  # NDEBUG, so that assertions are checked too.
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
    -DTASKSHARE_BUILD_TESTS=ON -DTASKSHARE_SANITIZE="$kind" >/dev/null || return 1
  if [[ $kind == address ]]; then
    ninja -C "$dir" -j 2 || return 1
  else
    ninja -C "$dir" -j 2 "${tsan_targets[@]}" || return 1
  fi
  rm -rf "$logs"
  mkdir -p "$logs"
  local status=0
  (
    cd "$dir"
    if [[ $kind == address ]]; then
      export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:log_path=$logs/asan"
      export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$logs/ubsan"
      # The C++ tests in two processes per binary rather than one per test (as ctest runs them in the
      # plain build): a process costs a third of a second to start under ASan, and a suite's server
      # (SetUpTestSuite) then starts once, not once per test. The tests ctest marks serial run alone,
      # after; the other ctest entries (the README walkthrough, the browser sign-in tests) through ctest.
      local failed=0 serial
      serial=$(ctest -N -L '^gtest_serial$' | sed -n 's/^ *Test *#[0-9]*: //p' | paste -sd:)
      run_in_two_shards tests/unit_tests "-$asan_excluded_gtest" || failed=1
      run_in_two_shards tests/integration_tests "-$asan_excluded_gtest:$serial" || failed=1
      if [[ -n $serial ]]; then
        echo "== integration_tests, alone: $serial"
        timeout 600 tests/integration_tests --gtest_brief=1 --gtest_filter="$serial" || failed=1
      fi
      ctest --output-on-failure --timeout 300 -j 2 -LE gtest -E "$asan_excluded_ctest" || failed=1
      exit "$failed"
    else
      export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$logs/tsan"
      local failed=0
      # Each test in a process of its own. ThreadSanitizer's deadlock detector never learns that a
      # std::mutex on the stack has died (its destructor calls nothing), so two tests that happened to
      # place different objects at the same stack address would join their lock orders into a cycle
      # that no program can reach. The unit tests run two at a time; the integration tests, which load
      # a server each, one at a time.
      run_each_test tests/tsan_unit_tests 2 || failed=1
      run_each_test tests/tsan_integration_tests 1 || failed=1
      exit "$failed"
    fi
  ) || status=$?
  if compgen -G "$logs/*" >/dev/null; then
    echo "sanitizer reports ($kind) in $logs:"
    for f in "$logs"/*; do
      echo "--- $f"
      head -n 80 "$f"
    done
    status=1
  fi
  return "$status"
}

failed=0
for stage in "${stages[@]}"; do
  start=$SECONDS
  case $stage in
    address) dir=build-asan ;;
    thread) dir=build-tsan ;;
    *) echo "unknown stage $stage (address or thread)" >&2; exit 2 ;;
  esac
  if run_stage "$stage" "$dir"; then result=passed; else result=FAILED; failed=1; fi
  echo "sanitize $stage: $result in $((SECONDS - start)) s"
done
exit "$failed"
