#!/bin/sh
# cgroup/memory_limit: under a memory cgroup limit, an array that does not fit is bad input (exit 2,
# one line naming the cgroup's limit and usage), not an OOM kill (137, silent). Creates a child
# cgroup with a 300 MiB limit — v2 memory.max where the v2 root delegates the memory controller,
# else v1 memory.limit_in_bytes — runs `sumsq-serial --workload array -n 2e8` (800 MB) in it.
# Usage: cgroup_memory_test.sh SUMSQ_SERIAL. Exit 77 (ctest: skipped, reason printed) without
# root or a writable memory cgroup.
set -u
binary=$1
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to create a cgroup"
cg=""
# mount point of the first mount of type $1 (whose super options match $2), from mountinfo:
# "<id> <parent> <dev> <root> <mount point> <options> [optional fields] - <type> <source> <super options>"
mount_of() {
  awk -v type="$1" -v opts="$2" '{ n = index($0, " - "); split(substr($0, 1, n), l, " "); split(substr($0, n + 3), r, " ")
                                   if (r[1] == type && r[3] ~ opts) { print l[5]; exit } }' /proc/self/mountinfo
}
v2=$(mount_of cgroup2 "")
v1=$(mount_of cgroup "(^|,)memory(,|$)")
if [ -n "$v2" ] && grep -qw memory "$v2/cgroup.controllers" 2>/dev/null && [ -z "$v1" ]; then
  grep -qw memory "$v2/cgroup.subtree_control" || echo +memory > "$v2/cgroup.subtree_control" 2>/dev/null ||
    skip "cannot enable the memory controller in $v2/cgroup.subtree_control"
  cg="$v2/sumsq-test-$$"
  mkdir "$cg" 2>/dev/null || skip "cannot create $cg"
  echo 300M > "$cg/memory.max" || { rmdir "$cg"; skip "cannot write $cg/memory.max"; }
  limit_name=memory.max
elif [ -n "$v1" ]; then
  cg="$v1/sumsq-test-$$"
  mkdir "$cg" 2>/dev/null || skip "cannot create $cg"
  echo 300M > "$cg/memory.limit_in_bytes" || { rmdir "$cg"; skip "cannot write $cg/memory.limit_in_bytes"; }
  limit_name=memory.limit_in_bytes
else
  skip "no memory cgroup controller mounted"
fi
err=$(mktemp)
trap 'rm -f "$err"; rmdir "$cg" 2>/dev/null' EXIT
sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" --workload array -n 2e8 -r 1 --warmup 0' sh "$cg" "$binary" >/dev/null 2>"$err"
code=$?
cat "$err"
[ "$code" -eq 2 ] || { echo "FAIL: exit $code, expected 2"; exit 1; }
[ "$(wc -l < "$err")" -eq 1 ] || { echo "FAIL: expected one line on stderr"; exit 1; }
grep -q "free in its memory cgroup.*$limit_name 314,572,800" "$err" || { echo "FAIL: the line does not name the cgroup's limit"; exit 1; }
echo "PASS"
