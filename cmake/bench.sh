#!/bin/sh
# make bench: benchmarks of the product's own binaries, from one run. Never part of `make test`.
# Numbers on a shared machine vary: compare ratios inside this run; run it on an idle machine.
set -eu
bin=${1:-build/bin}

echo "== 1. N = 1e9, every backend at 1 and 2 threads (median of 5 after 1 warm-up)"
echo "   speedup/efficiency: vs serial; scaling: vs the backend's own 1-thread time"
"$bin/sumsq-compare" --workloads sum --sizes 1e9 --threads 1,2 --reps 5

echo
echo "== 2. Per-call time at 2 threads, warm (median over 2001 calls after 200 warm-ups)"
"$bin/sumsq-compare" --workloads sum --sizes 0,1e4 --threads 2 --reps 2001 --warmup 200 | sed -n '/^sum workload/,/^$/p'
echo "   harness timing overhead per timed region (sumsq-serial, median of 1001 empty regions):"
"$bin/sumsq-serial" -n 0 -r 1 --format json | sed -n 's/.*"timer_overhead_seconds": \(.*\),*/   \1 s/p'

echo
echo "== 3. The interleaved scheduler"
"$bin/sumsq-bench-switch"
