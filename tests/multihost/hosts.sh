# hosts.sh — namespaced "hosts" for the multihost tests (sourced by run.sh; bash, root).
# shellcheck disable=SC2034  # MH_HOSTS, MH_PID: read by run.sh
# Host k is network namespace ${MH_PREFIX}h$k with eth0 = 10.217.17.(k+1)/24, plugged into a
# bridge in ${MH_PREFIX}sw. Links are created directly inside the namespaces: nothing appears in
# the root namespace, no route leads out, and deleting the namespaces deletes the links.
# MH_PREFIX carries this shell's pid, so concurrent runs never collide, and a namespace whose
# owner is dead (a run killed with SIGKILL) is removed by the next run.

MH_STEM=sumsqmh-
MH_PREFIX="${MH_STEM}$$-"
MH_SUBNET=10.217.17.0/24
MH_DIR=""
MH_HOSTS=0  # hosts built by mh_setup (read by run.sh)

mh_addr() { echo "10.217.17.$(($1 + 1))"; }

# Ends every process inside namespace $1 (processes this suite started there), then deletes it.
mh_remove_ns() {
  local ns=$1 pids
  pids=$(ip netns pids "$ns" 2>/dev/null)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086  # one word per pid
    kill -TERM $pids 2>/dev/null
    sleep 0.5
    pids=$(ip netns pids "$ns" 2>/dev/null)
    # shellcheck disable=SC2086
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  fi
  ip netns delete "$ns" 2>/dev/null
}

# A run is alive while its shell is (a zombie does not count).
mh_alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null)
  [ -n "$state" ] && [ "${state#Z}" = "$state" ]
}

# Namespaces and temp directories left by a run that could not clean up (killed with SIGKILL).
mh_remove_stale() {
  local ns owner dir
  for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep "^${MH_STEM}[0-9]*-"); do
    owner=${ns#"$MH_STEM"}
    owner=${owner%%-*}
    mh_alive "$owner" && continue
    echo "multihost: removing stale namespace $ns (its run, pid $owner, is gone)"
    mh_remove_ns "$ns"
  done
  for dir in /tmp/sumsq-multihost-*; do
    [ -d "$dir" ] || continue
    owner=${dir#/tmp/sumsq-multihost-}
    owner=${owner%%.*}
    mh_alive "$owner" || rm -rf "$dir"
  done
}

mh_cleanup() {
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep "^${MH_PREFIX}"); do mh_remove_ns "$ns"; done
  [ -n "$MH_DIR" ] && rm -rf "$MH_DIR"
  MH_DIR=""
}

# Exits 77 (ctest: skipped) with the reason when this machine cannot host the suite.
mh_require() {
  [ "$(id -u)" -eq 0 ] || { echo "multihost: SKIP: needs root (network namespaces)"; exit 77; }
  command -v ip >/dev/null || { echo "multihost: SKIP: no 'ip' command (Debian package iproute2)"; exit 77; }
  [ -x "$MPIRUN" ] || { echo "multihost: SKIP: no mpirun"; exit 77; }
  if ! ip netns add "${MH_PREFIX}probe" 2>/dev/null; then
    echo "multihost: SKIP: 'ip netns add' is not permitted here"
    exit 77
  fi
  ip netns delete "${MH_PREFIX}probe"
}

# Builds $1 hosts, the hostfile $MH_DIR/hostfile (slots=$2 each) and the agent's map.
mh_setup() {
  local count=$1 slots=${2:-2} k ns
  trap 'mh_cleanup' EXIT
  trap 'mh_cleanup; exit 130' INT
  trap 'mh_cleanup; exit 143' TERM
  mh_remove_stale
  MH_DIR=$(mktemp -d "/tmp/sumsq-multihost-$$.XXXXXX")
  MH_HOSTS=$count
  ip netns add "${MH_PREFIX}sw"
  ip -n "${MH_PREFIX}sw" link add br0 type bridge
  ip -n "${MH_PREFIX}sw" link set br0 up
  : >"$MH_DIR/hostfile"
  : >"$MH_DIR/netns.map"
  for k in $(seq 0 $((count - 1))); do
    ns="${MH_PREFIX}h$k"
    ip netns add "$ns"
    ip link add eth0 netns "$ns" type veth peer name "h$k" netns "${MH_PREFIX}sw"
    ip -n "${MH_PREFIX}sw" link set "h$k" master br0 up
    ip -n "$ns" addr add "$(mh_addr "$k")/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    echo "$(mh_addr "$k") slots=$slots" >>"$MH_DIR/hostfile"
    mkdir "$MH_DIR/tmp-h$k"
    echo "$(mh_addr "$k") $ns $MH_DIR/tmp-h$k" >>"$MH_DIR/netns.map"
  done
}

# The launcher options every run uses: the agent instead of ssh, TCP only on the hosts' subnet,
# no binding (the hosts share this machine's cores), and keepalives that notice a dead link in
# seconds (Open MPI's default: 300 s idle + 9 probes x 20 s).
mh_mca_options() {
  echo "--mca plm_rsh_agent $MH_AGENT --mca btl tcp,self --mca btl_tcp_if_include $MH_SUBNET" \
       "--mca oob_tcp_if_include $MH_SUBNET --mca oob_tcp_keepalive_time 2" \
       "--mca oob_tcp_keepalive_intvl 1 --mca oob_tcp_keepalive_probes 3"
}
mh_launcher_options() { echo "$(mh_mca_options) --bind-to none"; }

# mh_mpirun OUT ERR LIMIT_S ARGS...: mpirun inside host 0 on the hostfile, in the background (so a
# signal reaches the traps at once); sets MH_PID. `timeout -k` because mpirun, once its daemons are
# gone, can ignore SIGTERM.
mh_mpirun_bg() {
  local out=$1 err=$2 limit=$3
  shift 3
  # shellcheck disable=SC2046  # the options are words
  mh_in_host0 timeout -k 5 "$limit" "$MPIRUN" --hostfile "$MH_DIR/hostfile" $(mh_launcher_options) "$@" >"$out" 2>"$err" &
  MH_PID=$!
}

# mh_in_host0 COMMAND...: a command on host 0, with what mpirun and agent.sh need.
mh_in_host0() {
  ip netns exec "${MH_PREFIX}h0" env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
    SUMSQ_NETNS_MAP="$MH_DIR/netns.map" TMPDIR="$MH_DIR/tmp-h0" "$@"
}

mh_mpirun() {
  mh_mpirun_bg "$@"
  wait "$MH_PID"
}

# Processes still alive in any of this run's host namespaces, as "namespace: pid name" lines.
mh_leftovers() {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep "^${MH_PREFIX}h"); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      echo "$ns: $pid $(cat /proc/"$pid"/comm 2>/dev/null)"
    done
  done
}

# Waits up to $1 tenths of a second for every process in the host namespaces to end: a daemon
# finishes its own shutdown after mpirun has returned. Returns 1 (and lists them) if some remain.
mh_no_leftovers() {
  local k
  for k in $(seq 1 "$1"); do
    [ -z "$(mh_leftovers)" ] && return 0
    sleep 0.1
  done
  mh_leftovers
  [ -z "$(mh_leftovers)" ]
}

mh_now_ms() { echo $(($(date +%s%N) / 1000000)); }
