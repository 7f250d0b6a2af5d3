#!/bin/sh
# Builds the fuzzers with clang (libFuzzer + ASan + UBSan) and runs them from their seed corpora,
# ${FUZZ_SECONDS:-60} seconds in all, split between the targets: the command line (two thirds) and
# the --diff loader (one third). Exit code non-zero on a crash or report.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${FUZZ_SECONDS:-60}
cli_seconds=$(( seconds * 2 / 3 ))
results_seconds=$(( seconds - cli_seconds ))
[ "$results_seconds" -ge 1 ] || results_seconds=1
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DBUILD_TESTING=OFF -DSUMSQ_FUZZ=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" >/dev/null
cmake --build "$build" --target sumsq-fuzz-cli sumsq-fuzz-results -j "$(nproc)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/cli" "$work/results"
cp "$here"/corpus/* "$work/cli/"
cp "$here"/corpus-results/* "$work/results/"
# -close_fd_mask=1: the command line under test may print (e.g. nothing here, but keep stdout quiet)
"$build/bin/sumsq-fuzz-cli" -max_total_time="$cli_seconds" -print_final_stats=1 -close_fd_mask=1 "$work/cli"
"$build/bin/sumsq-fuzz-results" -max_total_time="$results_seconds" -print_final_stats=1 -close_fd_mask=1 "$work/results"
