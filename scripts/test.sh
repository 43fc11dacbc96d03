#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test: unit, integration, contract and e2e.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --test
./scripts/build.sh -DTASKSHARE_BUILD_TESTS=ON
(cd tests/contract && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
cd build
ctest --output-on-failure --timeout 300 -j "$(nproc)"
