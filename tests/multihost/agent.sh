#!/bin/sh
# agent.sh — Open MPI's launcher agent for namespaced "hosts" (--mca plm_rsh_agent agent.sh), in
# place of ssh. mpirun calls it as `agent.sh HOST COMMAND...`; it runs COMMAND (the orted daemon)
# inside HOST's network namespace, looked up in $SUMSQ_NETNS_MAP (lines "ADDRESS NAMESPACE TMPDIR":
# each host gets its own temp directory, as separate machines have, so Open MPI's session
# directories, named after the shared hostname, never meet). An unknown host fails like ssh
# does: one line, exit 255.
host=$1
shift
line=$(awk -v h="$host" '$1 == h { print $2, $3; exit }' "${SUMSQ_NETNS_MAP:?}" 2>/dev/null)
ns=${line% *}
tmp=${line#* }
if [ -z "$line" ]; then
  echo "agent.sh: cannot reach host $host: no such host in $SUMSQ_NETNS_MAP" >&2
  exit 255
fi
exec ip netns exec "$ns" env TMPDIR="$tmp" sh -c "$*"
