#!/usr/bin/env bash
# Installs the Debian packages taskshare needs: to build and run it, and with --test also to test it.
# Packages already present are skipped, so a second run installs nothing.
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpq-dev libssl-dev libcli11-dev libdeflate-dev libxxhash-dev liblz4-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev libsodium-dev libmimalloc-dev libcjose-dev libjansson-dev)
packages+=(libre2-dev)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(libgtest-dev chromium postgresql-15)
  packages+=(nginx)  # the load balancer in front of two nodes (tests/integration/nginx_test.cc)
  packages+=(curl jq iproute2)  # the README's walkthrough (tests/walkthrough/)
  packages+=(clang-14 libclang-rt-14-dev)  # libFuzzer and its sanitizers (scripts/fuzz.sh)
  packages+=(clang-format)  # the style check of scripts/test.sh
  command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
