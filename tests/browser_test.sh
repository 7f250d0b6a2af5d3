#!/bin/sh
# browser/index_html: sumsq-compare --out writes index.html; headless Chromium renders it to PNG
# with no console message, every section is in the rendered DOM, and the PNG is not blank (it must
# be several times the size of a blank page's PNG rendered the same way).
# Usage: browser_test.sh SUMSQ_COMPARE. Exit 77 (ctest: skipped, reason printed) without chromium.
set -eu
compare=$1
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "SKIP: chromium not found (Debian package chromium; make deps installs it)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# A tiny sweep: two backends, both workloads, 1 and 2 threads.
"$compare" --backends serial,threads --sizes 1e3,1e4 --threads 1,2 --reps 2 --warmup 0 --wait-reps 1 \
  --steps 2 --wait-ms 5 --out "$work/out" >"$work/compare.out" 2>&1 || { status=$?; cat "$work/compare.out"; fail "sumsq-compare exited $status"; }
[ -s "$work/out/index.html" ] || fail "no index.html in --out"
grep -q '<script\|src="http\|href="http\|@import\|url(http' "$work/out/index.html" && fail "index.html is not self-contained"

# Chromium, headless, offline, a fresh profile per run, /tmp instead of a container's small /dev/shm;
# console messages go to stderr as INFO:CONSOLE.
render() {  # render FILE ARGS...
  page=$1; shift
  profile=$(mktemp -d "$work/profile.XXXXXX")
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --disable-dev-shm-usage --no-first-run --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 --window-size=1200,2400 "$@" "file://$page"
}
render "$work/out/index.html" --screenshot="$work/page.png" >/dev/null 2>"$work/screenshot.err" || fail "chromium --screenshot failed"
render "$work/out/index.html" --dump-dom >"$work/dom.html" 2>"$work/dom.err" || fail "chromium --dump-dom failed"
if grep -h 'CONSOLE\|Uncaught' "$work/screenshot.err" "$work/dom.err"; then fail "console messages while rendering"; fi

for id in lesson tables plots backends environment; do
  grep -q "<section id=\"$id\">" "$work/dom.html" || fail "section #$id missing from the rendered DOM"
done
for text in 'sum workload, N = 1e4' 'wait workload' 'kernels/threads.cpp' '<td>serial</td>'; do
  grep -qF "$text" "$work/dom.html" || fail "'$text' missing from the rendered DOM"
done
if grep -q 'plots drawn with gnuplot' "$work/compare.out"; then
  [ "$(grep -c '<figure id="plot-' "$work/dom.html")" -ge 2 ] || fail "gnuplot drew plots but the page shows fewer than 2"
fi

# The PNG: signature, 1200 x 2400, and far larger than a blank page's (white compresses to little).
[ "$(od -An -tx1 -N8 "$work/page.png" | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "page.png is not a PNG"
[ "$(od -An -tu1 -j16 -N8 "$work/page.png" | tr -s ' ' | sed 's/^ //')" = "0 0 4 176 0 0 9 96" ] || fail "page.png is not 1200 x 2400"
echo '<!DOCTYPE html><html><body></body></html>' >"$work/blank.html"
render "$work/blank.html" --screenshot="$work/blank.png" >/dev/null 2>&1 || fail "chromium could not render a blank page"
page_size=$(wc -c <"$work/page.png")
blank_size=$(wc -c <"$work/blank.png")
echo "rendered index.html: $page_size bytes of PNG (a blank page: $blank_size bytes)"
[ "$page_size" -ge $((blank_size * 4)) ] || fail "the rendered page looks blank"
echo "PASS"
