#!/bin/sh
# Installs the Debian packages one make target needs: sh cmake/deps.sh SET, where SET is
#   build  what compiles the product (make build, make install, make bench)
#   run    build + what sumsq-compare uses when it runs (make run): gnuplot draws the plots
#   test   run + what the tests use (make test, make test-sanitize, make deps): Catch2, and the
#          programs some tests run (skipped, saying so, without them): valgrind, ip, chromium
#   fuzz   build + clang's libFuzzer (make fuzz)
# As root: apt-get update + install of the missing ones. Otherwise: prints the exact command to run
# and exits 2. `sh cmake/deps.sh --list SET` prints the set and installs nothing.
set -eu
build="cmake make g++ libtbb-dev libcli11-dev nlohmann-json3-dev libfmt-dev libsimde-dev openmpi-bin libopenmpi-dev"
run="$build gnuplot-nox python3"  # python3: the python backend's rows
# chromium: the browser test renders sumsq-compare's index.html headless (about 110 MB to download,
# 360 MB installed without its recommends).
test="$run catch2 valgrind iproute2 chromium"
fuzz="$build clang libclang-rt-14-dev"

list_only=false
if [ "${1:-}" = "--list" ]; then
  list_only=true
  shift
fi
case "${1:-}" in
  build) packages=$build ;;
  run) packages=$run ;;
  test) packages=$test ;;
  fuzz) packages=$fuzz ;;
  *) echo "sumsq: usage: sh cmake/deps.sh [--list] build|run|test|fuzz (got '${1:-}')" >&2; exit 2 ;;
esac
if $list_only; then
  echo "$packages"
  exit 0
fi
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
