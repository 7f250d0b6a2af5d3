#!/bin/sh
# make bench: benchmarks of the product's own binaries, from one run. Never part of `make test`.
# Numbers on a shared machine vary: compare ratios inside this run; run it on an idle machine.
set -eu
bin=${1:-build/bin}

echo "== 1. The shared range kernel, one core, N = 1e9: ns/element per path (sumsq-serial --kernel)"
paths=$("$bin/sumsq-serial" --describe | sed 's/.*"kernel_paths":\[\([^]]*\)\].*/\1/' | tr -d '"' | tr ',' ' ')
all=$("$bin/sumsq-serial" --help | sed -n 's/.*range kernel path: auto|\([a-z0-9|]*\) .*/\1/p' | tr '|' ' ')
echo "   paths built: $all; this CPU ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)) runs: $paths"
for path in $all; do
  case " $paths " in
    *" $path "*) ;;
    *) note=""; case $path in avx512*) note="; its code is tested emulated on every CPU (ctest -R avx512-emulated)" ;; esac
       echo "   $path: not run, this CPU lacks it$note"; continue ;;
  esac
  # CSV columns 8 and 9: ok, median wall seconds (= ns/element at N = 1e9)
  "$bin/sumsq-serial" -n 1e9 -r 5 --kernel "$path" --format csv | awk -F, -v p="$path" \
    'NR == 2 { printf "   %-10s %.4f ns/element  %s\n", p, $9, ($8 == "true" ? "OK" : "MISMATCH") }'
done

echo
echo "== 1a. The range kernel against the reference kernel (tests/bench/reference_kernel.hpp: a plain block-bounded"
echo "   intrinsic kernel, -O3 -march=native), every formulation of every path, one thread, N = 1e9, 7 interleaved"
echo "   rounds; ours/ref < 1 is faster (docs/range-kernel.md: the bound per path)"
"$bin/sumsq-bench-kernel" 1e9 7 | sed 's/^/   /'

echo
echo "== 1b. Memory-bound: the array path (N stored u32, 1 GiB) against the index path, one core, and the"
echo "   machine's read-bandwidth ceiling (sumsq-bandwidth: best and median of 5, 1 thread and all CPUs)"
"$bin/sumsq-bench-array" | sed 's/^/   /'
"$bin/sumsq-bandwidth" | sed 's/^/   /'

echo
echo "== 2. N = 1e9, every backend at 1 and 2 threads (median of 5 after 1 warm-up)"
echo "   speedup/efficiency: vs serial; scaling: vs the backend's own 1-thread time"
"$bin/sumsq-compare" --workloads sum --sizes 1e9 --threads 1,2 --reps 5

echo
echo "== 3. Per call, like for like: N = 0 and N = 64·P (every runtime really forks), hot (back to back,"
echo "   median of 1001 after 100 warm-ups) and cold (--idle-ms 10: workers asleep, median of 51)."
echo "   OpenMP: libgomp's default (OMP_WAIT_POLICY unset: spin a while, then sleep), active, passive."
cpus=$(nproc)
echo "   P above this machine's $cpus CPUs marked *. Times in microseconds."
# per_call ENV BACKEND P N EXTRA...: median wall time of one call in µs (CSV column 9)
per_call() {
  env_setting=$1 backend=$2 p=$3 n=$4; shift 4
  # shellcheck disable=SC2086  # empty or one VAR=value word
  env $env_setting timeout 120 "$bin/sumsq-$backend" -n "$n" -t "$p" --format csv "$@" 2>/dev/null |
    awk -F, 'NR == 2 { row = 1; if ($8 == "true") printf "%10.2f", $9 * 1e6; else printf "%10s", "MISMATCH" }
             END { if (!row) printf "%10s", "failed" }'
}
printf "   %-17s %3s %10s %10s %10s %10s\n" backend P "N=0 hot" "N=0 cold" "64P hot" "64P cold"
for config in threads pool openmp "openmp OMP_WAIT_POLICY=active" "openmp OMP_WAIT_POLICY=passive" tbb pstl; do
  backend=${config%% *} setting=${config#"$backend"}
  [ -x "$bin/sumsq-$backend" ] || continue
  label=$backend; [ -n "$setting" ] && label="$backend ${setting#*=}"
  for p in 1 2 4 8; do
    mark=" "; [ "$p" -gt "$cpus" ] && mark="*"
    printf "   %-17s %2s%s" "$label" "$p" "$mark"
    for n in 0 $((64 * p)); do
      per_call "$setting" "$backend" "$p" "$n" -r 1001 --warmup 100
      per_call "$setting" "$backend" "$p" "$n" -r 51 --warmup 5 --idle-ms 10
    done
    echo
  done
done
printf "   %-17s %2s  " serial 1
for n in 0 64; do per_call "" serial 1 $n -r 1001 --warmup 100; per_call "" serial 1 $n -r 51 --warmup 5 --idle-ms 10; done
echo
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

echo
echo "== 6. Recording what the OS did (--switches, --trace, --timeline: the one untimed recorded run only;"
echo "   timed runs never take them): opening and reading the switch records, their cost per context"
echo "   switch, and the fallback's (thread clocks) cost per stretch"
"$bin/sumsq-bench-switch-records" | sed 's/^/   /'
