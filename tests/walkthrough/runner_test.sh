#!/usr/bin/env bash
# Checks that readme_walkthrough.sh fails when the README and the program disagree: each case below
# runs it on a copy of the README changed in one way, against the real binary, and expects exit 1
# with a message naming what went wrong.
#
#   tests/walkthrough/runner_test.sh README.md path/to/taskshare
set -uo pipefail

(($# == 2)) || {
  echo "usage: $0 README.md TASKSHARE_BINARY" >&2
  exit 2
}
readme=$(realpath "$1")
bin=$(realpath "$2")
runner="$(dirname "$(realpath "$0")")/readme_walkthrough.sh"
dir=$(mktemp -d -t taskshare-walkthrough-runner.XXXXXX)
trap 'rm -rf "$dir"' EXIT
passed=0
failed=0

# expect_failure NAME SED_SCRIPT MESSAGE: the README changed by SED_SCRIPT must fail with MESSAGE.
expect_failure() {
  local name=$1 script=$2 message=$3 out rc
  sed -e "$script" "$readme" >"$dir/README.md"
  if cmp -s "$readme" "$dir/README.md"; then
    echo "FAIL $name: the change did not apply to the README"
    failed=$((failed + 1))
    return
  fi
  out=$(bash "$runner" "$dir/README.md" "$bin" 2>&1)
  rc=$?
  if ((rc == 1)) && grep -qF -- "$message" <<<"$out"; then
    echo "ok $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name: exit $rc, expected 1 with \"$message\"; it printed:"
    echo "$out"
    failed=$((failed + 1))
  fi
}

# An answer the README shows that the server does not give.
expect_failure "a wrong status" 's/^#> 204$/#> 200/' "the README shows:"
# Without the revoke, the link still answers: the last check sees the task instead of the refusal.
expect_failure "the revoke left out" '/-X DELETE/d; /^#> 204$/d' "jq -r .error"
# A command that prints more than the README shows.
expect_failure "an answer left out" '/^#> http:/d' "jq -r .share.url"
# A command that fails.
expect_failure "a failing command" 's/ user add --email / user add --no-such-flag --email /' "user add --no-such-flag"
# No walkthrough at all.
expect_failure "no block" 's/^```sh walkthrough$/```sh/' "has no block"

echo "$passed passed, $failed failed"
((failed == 0))
