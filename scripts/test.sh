#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test: unit, integration, contract and e2e; then
# the sanitizer runs (scripts/sanitize.sh) and the fuzz targets (scripts/fuzz.sh).
# The storage tests run against SQLite and against a throwaway PostgreSQL 15 cluster that this script
# starts (scripts/pg-test-cluster.sh) and stops when it exits, named by TASKSHARE_TEST_POSTGRES_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
./scripts/install-deps.sh --test
# The house style (.clang-format) holds for every C++ file of src/ and tests/: a file it would change
# fails the run, naming the file and line.
git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' | xargs clang-format --dry-run --Werror
# Line tables only (-g1): backtraces keep their files and lines, and the build takes a fifth less time.
./scripts/build.sh -DTASKSHARE_BUILD_TESTS=ON -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"
# The contract tests' npm tooling, pinned in tests/contract/package-lock.json: the linter, Ajv, and
# Prism, whose validating proxy every live contract test sends its requests through.
(cd tests/contract && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
# The test OpenID provider (tests/oidc-provider: oidc-provider, pinned) that the sign-in tests start.
(cd tests/oidc-provider && npm ci --no-audit --no-fund --loglevel=error)

pg_dir=$(mktemp -d -t taskshare-pg.XXXXXX)
stop_postgres() {
  "$root/scripts/pg-test-cluster.sh" stop "$pg_dir" || echo "test.sh: could not stop the PostgreSQL test cluster in $pg_dir" >&2
  rm -rf "$pg_dir"
}
trap stop_postgres EXIT
trap "exit 1" INT TERM HUP
if ! TASKSHARE_TEST_POSTGRES_URL=$("$root/scripts/pg-test-cluster.sh" start "$pg_dir"); then
  echo "test.sh: the PostgreSQL test cluster did not start (see above)" >&2
  exit 1
fi
export TASKSHARE_TEST_POSTGRES_URL

stage() { echo "test.sh: $1 done, $((SECONDS / 60)) min $((SECONDS % 60)) s in"; }
stage "install and build"
(cd build && ctest --output-on-failure --timeout 300 -j "$(nproc)")
stage "ctest"

# Hardening: the C++ tests again under AddressSanitizer with UndefinedBehaviorSanitizer and the
# concurrency tests under ThreadSanitizer (build-asan/, build-tsan/), then every libFuzzer target for
# FUZZ_RUNS executions (default 100000; build-fuzz/).
./scripts/sanitize.sh
stage "sanitizers"
./scripts/fuzz.sh
stage "fuzzing"
