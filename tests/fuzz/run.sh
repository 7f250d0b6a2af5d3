#!/bin/sh
# Builds the command-line fuzzer with clang (libFuzzer + ASan + UBSan) and runs it for
# ${FUZZ_SECONDS:-60} seconds from the seed corpus. Exit code non-zero on a crash or report.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${FUZZ_SECONDS:-60}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DBUILD_TESTING=OFF -DSUMSQ_FUZZ=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" >/dev/null
cmake --build "$build" --target sumsq-fuzz-cli -j "$(nproc)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here"/corpus/* "$work"/
# -close_fd_mask=1: the command line under test may print (e.g. nothing here, but keep stdout quiet)
"$build/bin/sumsq-fuzz-cli" -max_total_time="$seconds" -print_final_stats=1 -close_fd_mask=1 "$work"
