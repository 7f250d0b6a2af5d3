#!/bin/sh
# limits/pids_cgroup: a pids cgroup's limit stops threads from starting; every backend that starts
# threads must then exit 3 with one line ("could not start 32 threads: …"), never abort (134), exit 1
# or hang. Creates a child pids cgroup with pids.max 12 (v2 where the root delegates the pids
# controller, else v1) and runs each binary with -t 32 in it.
# Usage: thread_limits_test.sh SUMSQ_BINARY... Exit 77 (ctest: skipped, reason printed) without
# root or a writable pids cgroup.
set -u
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to create a cgroup"
mount_of() {  # as in cgroup_memory_test.sh
  awk -v type="$1" -v opts="$2" '{ n = index($0, " - "); split(substr($0, 1, n), l, " "); split(substr($0, n + 3), r, " ")
                                   if (r[1] == type && r[3] ~ opts) { print l[5]; exit } }' /proc/self/mountinfo
}
v2=$(mount_of cgroup2 "")
v1=$(mount_of cgroup "(^|,)pids(,|$)")
if [ -n "$v1" ]; then
  cg="$v1/sumsq-test-$$"
elif [ -n "$v2" ] && grep -qw pids "$v2/cgroup.controllers" 2>/dev/null; then
  grep -qw pids "$v2/cgroup.subtree_control" || echo +pids > "$v2/cgroup.subtree_control" 2>/dev/null ||
    skip "cannot enable the pids controller in $v2/cgroup.subtree_control"
  cg="$v2/sumsq-test-$$"
else
  skip "no pids cgroup controller mounted"
fi
mkdir "$cg" 2>/dev/null || skip "cannot create $cg"
err=$(mktemp)
cleanup() {  # a process that just exited may hold the cgroup for a moment
  rm -f "$err"
  for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$cg" 2>/dev/null && return; sleep 0.2; done
}
trap cleanup EXIT
echo 12 > "$cg/pids.max" || skip "cannot write $cg/pids.max"
status=0
for binary in "$@"; do
  "$binary" --describe | grep -q '"one_thread":false' || continue
  sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" -n 1e6 -r 1 --warmup 0 -t 32' sh "$cg" "$binary" >/dev/null 2>"$err"
  code=$?
  name=$(basename "$binary")
  if [ "$code" -eq 3 ] && [ "$(wc -l < "$err")" -eq 1 ] && grep -q "could not start\|MPI_Init" "$err"; then
    echo "ok: $name: $(cat "$err")"
  else
    echo "FAIL: $name: exit $code (expected 3 and one line):"
    cat "$err"
    status=1
  fi
done
exit $status
