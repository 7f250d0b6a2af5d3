#!/bin/sh
# make test-sanitize (and CI): every test under AddressSanitizer + UndefinedBehaviorSanitizer,
# then the threads, tbb and interleaved suites under ThreadSanitizer. OpenMP (and so pstl's
# and mpi's OpenMP/MPI runtimes) is excluded from TSan: Debian's libgomp is not instrumented,
# so TSan cannot see its barriers and reports false races.
set -eu
jobs=$(nproc 2>/dev/null || echo 2)
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

echo "== ASan + UBSan: build and run every test"
cmake --preset asan >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
LSAN_OPTIONS=suppressions=$here/tests/sanitizers/lsan.supp:print_suppressions=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE valgrind

echo "== TSan: threads, tbb, interleaved"
cmake --preset tsan >/dev/null
cmake --build build-tsan -j "$jobs" --target sumsq-test-threads sumsq-test-tbb sumsq-test-interleaved
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --test-dir build-tsan --output-on-failure -j "$jobs" -R '^(threads|tbb|interleaved)/'
