#!/bin/sh
# Installs the Debian packages sumsq needs (make deps). As root: apt-get update + install of the
# missing ones. Otherwise: prints the exact command to run and exits 2.
set -eu
packages="cmake make g++ libtbb-dev catch2 libcli11-dev nlohmann-json3-dev libfmt-dev libsimde-dev gnuplot-nox openmpi-bin libopenmpi-dev valgrind iproute2"
# chromium: the browser test renders sumsq-compare's index.html headless (about 110 MB to download,
# 360 MB installed without its recommends; the test is skipped, saying so, where it is absent).
packages="$packages chromium"
# make test-sanitize and make fuzz also use clang (libFuzzer): SUMSQ_EXTRA_PACKAGES="clang libclang-rt-14-dev"
packages="$packages ${SUMSQ_EXTRA_PACKAGES:-}"
missing=""
for package in $packages; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "sumsq: missing Debian packages; run as root:" >&2
  echo "  apt-get update && apt-get install -y$missing" >&2
  exit 2
fi
echo "sumsq: installing missing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086  # one word per package
apt-get install -y -qq --no-install-recommends $missing
