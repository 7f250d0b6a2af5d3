#!/bin/sh
# make test-sanitize (and CI): every test under AddressSanitizer + UndefinedBehaviorSanitizer,
# then the threads, pool and interleaved suites under ThreadSanitizer. The other runtimes keep their
# synchronisation in libraries Debian does not build with TSan, so TSan cannot see it and reports
# races that are not there: libgomp (openmp, mpi) and libtbb (tbb, pstl — seen here: reports
# inside oneTBB's own partitioner headers between a task's split and its stealer).
set -eu
jobs=$(nproc 2>/dev/null || echo 2)
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

echo "== ASan + UBSan: build and run every test"
cmake --preset asan >/dev/null
cmake --build build-asan -j "$jobs"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS="suppressions=$here/cmake/lsan.supp"  # each with its reason
# Leak checking everywhere but MPI (and the CSV suites, which run sumsq-mpi too): Open MPI's
# dlopen'ed components leak at exit and are unloaded before LeakSanitizer can name them, so they
# cannot be suppressed by library name.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE valgrind -E '^(mpi|compare|multihost|csv)/'
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -R '^(mpi|compare|multihost|csv)/'
echo "== ASan with leak checking: sumsq-compare itself, on the backends without MPI"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  build-asan/bin/sumsq-compare --quick --backends serial,threads,pool,openmp,tbb,pstl,interleaved --out "$(mktemp -d)/out" >/dev/null

echo "== TSan: threads, pool, interleaved"
cmake --preset tsan >/dev/null
cmake --build build-tsan -j "$jobs" --target sumsq-test-threads sumsq-test-pool sumsq-test-interleaved
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --test-dir build-tsan --output-on-failure -j "$jobs" -R '^(threads|pool|interleaved)/'
