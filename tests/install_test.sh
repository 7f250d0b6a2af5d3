#!/bin/sh
# cmake --install into a temporary prefix, then the installed sumsq-compare run from another
# directory, with no SUMSQ_BACKEND_LIST and nothing of the build tree on PATH: the installed layout
# (bin/, libexec/sumsq/, share/doc/sumsq/) and sumsq-compare finding its backends relative to itself.
# Usage: install_test.sh CMAKE BUILD_DIR [CONFIG]
set -eu
cmake=$1
build=$2
config=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

prefix=$work/prefix
"$cmake" --install "$build" --prefix "$prefix" ${config:+--config "$config"} >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "cmake --install failed"; }
for file in bin/sumsq-compare bin/sumsq-bandwidth libexec/sumsq/sumsq-backends.txt libexec/sumsq/sumsq-serial \
            share/doc/sumsq/README.md share/doc/sumsq/docs/compare.md share/doc/sumsq/docs/lesson.svg; do
  [ -e "$prefix/$file" ] || fail "$file is not installed"
done
while read -r name; do
  [ -x "$prefix/libexec/sumsq/sumsq-$name" ] || fail "the list names $name but libexec/sumsq/sumsq-$name is not installed"
done <"$prefix/libexec/sumsq/sumsq-backends.txt"
[ ! -e "$prefix/bin/sumsq-serial" ] || fail "a backend was installed in bin/"
[ ! -e "$prefix/libexec/sumsq/sumsq-wrong" ] || fail "a test double was installed"

mkdir "$work/elsewhere"
cd "$work/elsewhere"
code=0
env -u SUMSQ_BACKEND_LIST PATH=/usr/local/bin:/usr/bin:/bin "$prefix/bin/sumsq-compare" --quick --backends serial \
  --rounds 1 --workloads sum --out "$work/o" >"$work/compare.out" 2>&1 || code=$?
cat "$work/compare.out"
[ "$code" -eq 0 ] || fail "the installed sumsq-compare exited $code"
[ -s "$work/o/results.json" ] || fail "no results.json"
grep -q '"backend": "serial"' "$work/o/results.json" || fail "results.json has no serial run"
grep -q '"ok": true' "$work/o/results.json" && ! grep -q '"ok": false' "$work/o/results.json" ||
  fail "results.json has a run that is not OK"
echo "OK: installed into $prefix; sumsq-compare ran libexec/sumsq/sumsq-serial from $work/elsewhere"
