#!/bin/sh
# outputs/<case>: a backend's --trace and --timeline files, and what stops them (src/os/output_file.hpp,
# src/os/stdout_check.hpp). The rules are the harness's, the same in every sumsq-<backend>, so they run
# against one binary. Every case starts from a directory holding t.json and s.svg with the words
# "old trace" and "old timeline" in them: a run that fails must leave both exactly so, and no
# .sumsq-XXXXXX temporary beside them.
#   same_file    two outputs that are one file, in any spelling, or the file stdout goes to: exit 2
#                before the run, one line.
#   stdout_lost  stdout closed, /dev/full or a pipe whose reader has gone: exit 3 before the work,
#                one line, nothing committed.
#   file_size    `ulimit -f` between the two files' sizes: the trace fits, the timeline does not
#                (EFBIG, SIGXFSZ ignored): exit 3 naming the file, and the trace is not committed.
#   mismatch     a wrong result (the test double sumsq-wrong): exit 1, nothing committed.
#   committed    the control: a good run replaces both.
# Usage: output_faults_test.sh CASE SUMSQ_THREADS SUMSQ_WRONG
set -u
case=$1 binary=$2 wrong=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail() { echo "FAIL: $*"; exit 1; }
run="-n 1e5 -t 2 -r 1 --warmup 0"

fresh() {  # the starting state
  rm -rf "$work"/* "$work"/.sumsq-*
  echo "old trace" > t.json
  echo "old timeline" > s.svg
}
untouched() {  # untouched WHAT: both files as they were, nothing else in the directory
  [ "$(cat t.json)" = "old trace" ] || fail "$1: t.json was replaced"
  [ "$(cat s.svg)" = "old timeline" ] || fail "$1: s.svg was replaced"
  left=$(ls -A | grep -v -x -e t.json -e s.svg -e d -e l -e err -e fifo)
  [ -z "$left" ] || fail "$1: left behind: $left"
}
expect() {  # expect CODE WHAT TEXT: the last run's exit code, one line on stderr containing TEXT
  [ "$code" -eq "$1" ] || { cat err; fail "$2: exit $code, expected $1"; }
  [ "$(wc -l < err)" -eq 1 ] || { cat err; fail "$2: expected one line on stderr"; }
  grep -q -- "$3" err || { cat err; fail "$2: stderr does not say '$3'"; }
  echo "ok: $2: $(cat err)"
}

case $case in
same_file)
  fresh
  mkdir d && ln -s d l && ln t.json hard.json && ln -s t.json link.json
  for pair in "t.json ./t.json" "t.json $work/t.json" "t.json link.json" "t.json hard.json" "d/new.svg l/new.svg" \
              "d/new.svg ./d/../d/new.svg"; do
    set -- $pair
    "$binary" $run --trace "$1" --timeline "$2" >/dev/null 2>err; code=$?
    expect 2 "--trace $1 --timeline $2" "is the same file as --trace '$1'"
    [ ! -e d/new.svg ] || fail "d/new.svg was written"
  done
  rm hard.json link.json
  "$binary" $run --trace t.json >t.json 2>err; code=$?  # the report and the trace in one file
  expect 2 "--trace t.json >t.json" "is the file standard output goes to"
  echo "old trace" > t.json
  untouched same_file
  ;;
stdout_lost)
  fresh
  "$binary" $run --trace t.json --timeline s.svg >&- 2>err; code=$?
  expect 3 "stdout closed" "writing standard output failed: Bad file descriptor"
  untouched "stdout closed"
  "$binary" $run --trace t.json --timeline s.svg >/dev/full 2>err; code=$?
  expect 3 "stdout /dev/full" "writing standard output failed: No space left on device"
  untouched "stdout /dev/full"
  # A pipe nobody reads, for certain: open the FIFO both ways (so opening its write end does not
  # block), then close the reading side. Without SIGPIPE ignored this would be a silent 141.
  mkfifo fifo
  exec 3<>fifo 4>fifo 3<&-
  "$binary" $run --trace t.json --timeline s.svg >&4 2>err; code=$?
  exec 4>&-
  expect 3 "stdout a pipe without reader" "writing standard output failed: Broken pipe"
  untouched "stdout a pipe without reader"
  ;;
file_size)
  fresh
  # Without switch records (their states make both files grow with the slices the OS took) the trace
  # is about 1.2 kB, the timeline 3.4 to 4.8 kB: a 2,500-byte limit stops only the timeline.
  SUMSQ_SWITCH_RECORDS=off prlimit --fsize=2500 "$binary" $run --trace t.json --timeline s.svg >/dev/null 2>err; code=$?
  expect 3 "ulimit -f 2500 bytes" "--timeline: writing 's.svg' failed: File too large"
  untouched "ulimit -f"
  ;;
mismatch)
  fresh
  "$wrong" -n 1e5 -r 1 --warmup 0 --trace t.json --timeline s.svg >/dev/null 2>err; code=$?
  expect 1 "a wrong result" "MISMATCH"
  untouched mismatch
  ;;
committed)
  fresh
  "$binary" $run --trace t.json --timeline s.svg >/dev/null 2>err; code=$?
  [ "$code" -eq 0 ] || { cat err; fail "exit $code"; }
  grep -q traceEvents t.json || fail "t.json is not the trace"
  grep -q "</svg>" s.svg || fail "s.svg is not the timeline"
  [ -z "$(ls -A | grep -v -x -e t.json -e s.svg -e err)" ] || fail "left behind: $(ls -A)"
  echo "ok: both replaced"
  ;;
*) fail "unknown case $case" ;;
esac
echo PASS
