#!/bin/sh
# make bench: benchmarks of the product's own binaries, from one run. Never part of `make test`.
# Numbers on a shared machine vary: compare ratios inside this run; run it on an idle machine.
set -eu
bin=${1:-build/bin}

echo "== 1. The shared range kernel, one core, N = 1e9: ns/element per path (sumsq-serial --kernel)"
paths=$("$bin/sumsq-serial" --describe | sed 's/.*"kernel_paths":\[\([^]]*\)\].*/\1/' | tr -d '"' | tr ',' ' ')
for path in $paths; do
  # CSV columns 8 and 9: ok, median wall seconds (= ns/element at N = 1e9)
  "$bin/sumsq-serial" -n 1e9 -r 5 --kernel "$path" --format csv | awk -F, -v p="$path" \
    'NR == 2 { printf "   %-9s %.4f ns/element  %s\n", p, $9, ($8 == "true" ? "OK" : "MISMATCH") }'
done

echo
echo "== 2. N = 1e9, every backend at 1 and 2 threads (median of 5 after 1 warm-up)"
echo "   speedup/efficiency: vs serial; scaling: vs the backend's own 1-thread time"
"$bin/sumsq-compare" --workloads sum --sizes 1e9 --threads 1,2 --reps 5

echo
echo "== 3. Per-call time at 2 threads, warm (median over 2001 calls after 200 warm-ups)"
"$bin/sumsq-compare" --workloads sum --sizes 0,1e4 --threads 2 --reps 2001 --warmup 200 | sed -n '/^sum workload/,/^$/p'
echo "   harness timing overhead per timed region (sumsq-serial, median of 1001 empty regions):"
"$bin/sumsq-serial" -n 0 -r 1 --format json | sed -n 's/.*"timer_overhead_seconds": \([0-9.e-]*\).*/   \1 s/p'

echo
echo "== 4. The interleaved scheduler"
"$bin/sumsq-bench-switch"

echo
echo "== 5. Recording task spans in every timed run (concurrency): median wall with and without"
echo "   (--no-concurrency); runs alternate on/off twice, the lower median of each is kept"
median() { "$bin/sumsq-$1" $2 --format csv ${3:+"$3"} | awk -F, 'NR == 2 { print $9 }'; }
for config in "serial|-n 1e9 -r 11" "threads|-n 1e9 -t 2 -r 11" "interleaved|-n 1e9 -r 11" \
              "serial|-n 1e4 -r 2001 --warmup 200" "threads|-n 1e4 -t 2 -r 2001 --warmup 200" \
              "interleaved|-n 1e4 -r 2001 --warmup 200"; do
  backend=${config%%|*}; args=${config#*|}
  on1=$(median "$backend" "$args"); off1=$(median "$backend" "$args" --no-concurrency)
  on2=$(median "$backend" "$args"); off2=$(median "$backend" "$args" --no-concurrency)
  awk -v b="$backend" -v a="$args" -v on1="$on1" -v on2="$on2" -v off1="$off1" -v off2="$off2" 'BEGIN {
    on = on1 < on2 ? on1 : on2; off = off1 < off2 ? off1 : off2
    printf "   %-12s %-34s recorded %11.3f us   not %11.3f us   cost %+6.2f%%\n", b, a, on * 1e6, off * 1e6, (on - off) / off * 100 }'
done
