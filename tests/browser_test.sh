#!/bin/sh
# browser/index_html: sumsq-compare --out writes index.html; headless Chromium renders it at 1280 and
# at 390 px wide, offline, and checks what a reader meets: no console message, no sideways scroll of
# the document (tables and figures scroll in their own boxes; at 1280 px none but the folded
# every-column tables needs to), every in-page anchor resolves to an
# id, every file link resolves to a file beside the page, every section is in the rendered DOM, and
# the screenshots are not blank. The product page stays scriptless: its scroll width is read by a
# harness page that frames it.
# Usage: browser_test.sh SUMSQ_COMPARE. Exit 77 (ctest: skipped, reason printed) without chromium.
# SUMSQ_BROWSER_PNG_DIR=DIR keeps the screenshots (page-1280.png, page-390.png) there to look at.
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

# A tiny sweep: serial, threads and a --cpu-rows row, both workloads, 1 and 2 threads.
"$compare" --backends serial,threads --cpu-rows threads@0 --sizes 1e3,1e4 --threads 1,2 --reps 2 --warmup 0 --wait-reps 1 \
  --steps 2 --wait-ms 5 --workloads sum,wait,tree --tree-sizes 1e6 --cutoffs 1e3,1e4,1e5,1e6 --out "$work/out" >"$work/compare.out" 2>&1 || { status=$?; cat "$work/compare.out"; fail "sumsq-compare exited $status"; }
page="$work/out/index.html"
[ -s "$page" ] || fail "no index.html in --out"
grep -q '<script\|src="http\|href="http\|@import\|url(http' "$page" && fail "index.html is not self-contained"

# Chromium, headless (the new mode: the old one never made a window narrower than 500 px), offline (every host unresolvable), a fresh profile per run, /tmp instead of a
# container's small /dev/shm; console messages go to stderr as INFO:CONSOLE.
render() {  # render WIDTH FILE ARGS...
  window=$1; page_file=$2; shift 2
  profile=$(mktemp -d "$work/profile.XXXXXX")
  timeout 60 "$browser" --headless=new --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --disable-dev-shm-usage --no-first-run --user-data-dir="$profile" \
    --host-resolver-rules='MAP * ~NOTFOUND' --hide-scrollbars \
    --enable-logging=stderr --v=0 --window-size="$window,1400" "$@" "file://$page_file"
}
# The harness: the page in a frame exactly WIDTH px wide (a headless window is never narrower than
# 500 px), with a script writing the page's scroll width and its viewport's into the harness's DOM.
harness() {  # harness WIDTH
  cat >"$work/out/harness-$1.html" <<HTML
<!DOCTYPE html><html><body style="margin:0"><iframe id="page" src="index.html" style="border:0;width:$1px;height:1400px"
onload="var d=this.contentDocument, e=d.documentElement, wide=[];
d.querySelectorAll('.scroll').forEach(function (b) {
  var s = b.closest('section'); if (!b.closest('details') && b.scrollWidth > b.clientWidth) wide.push((s ? s.id : '?') + ':' + b.scrollWidth + '/' + b.clientWidth); });
document.body.setAttribute('data-widths', e.scrollWidth + ' ' + e.clientWidth); document.body.setAttribute('data-wide', wide.join(' '))"></iframe></body></html>
HTML
}

for width in 1280 390; do
  render "$width" "$page" --screenshot="$work/page-$width.png" >/dev/null 2>"$work/screenshot-$width.err" || fail "chromium --screenshot at $width px failed"
  render "$width" "$page" --dump-dom >"$work/dom-$width.html" 2>"$work/dom-$width.err" || fail "chromium --dump-dom at $width px failed"
  harness "$width"
  render 1280 "$work/out/harness-$width.html" --allow-file-access-from-files --dump-dom >"$work/harness-$width.html" 2>/dev/null ||
    fail "chromium could not render the harness at $width px"
  rm "$work/out/harness-$width.html"
  if grep -h 'CONSOLE\|Uncaught' "$work/screenshot-$width.err" "$work/dom-$width.err"; then fail "console messages while rendering at $width px"; fi
  widths=$(sed -n 's/.*data-widths="\([0-9]*\) \([0-9]*\)".*/\1 \2/p' "$work/harness-$width.html" | head -n 1)
  [ -n "$widths" ] || fail "the harness did not report the page's widths at $width px"
  scroll=${widths% *}; client=${widths#* }
  echo "at $width px: document scroll width $scroll, viewport $client"
  [ "$scroll" -le "$client" ] || fail "at $width px the page scrolls sideways: its content is $scroll px wide in a $client px viewport"
  # At 1280 px every table and figure in view fits its box (only the every-column tables, folded
  # in <details>, may scroll inside theirs); narrower, boxes scroll as designed.
  wide=$(sed -n 's/.*data-wide="\([^"]*\)".*/\1/p' "$work/harness-$width.html" | head -n 1)
  if [ "$width" -eq 1280 ] && [ -n "$wide" ]; then fail "at 1280 px these boxes scroll sideways (section:content/box px): $wide"; fi
  [ "$(od -An -tx1 -N8 "$work/page-$width.png" | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "page-$width.png is not a PNG"
done
dom="$work/dom-1280.html"

for id in summary lesson findings tables plots backends environment; do
  grep -q "<section id=\"$id\">" "$dom" || fail "section #$id missing from the rendered DOM"
done
for text in 'sum workload, N = 1e4' 'wait workload' 'kernels/threads.cpp' '<td>serial</td>' '<td>threads@0</td>' 'Noise floor'; do
  grep -qF "$text" "$dom" || fail "'$text' missing from the rendered DOM"
done
grep -q 'kernels/threads@0.cpp\|kernels/threads:' "$dom" && fail "a kernel file named after a row, not its backend"
if grep -q 'plots drawn with gnuplot' "$work/compare.out"; then
  [ "$(grep -c '<figure id="plot-' "$dom")" -ge 1 ] || fail "gnuplot drew plots but the page shows none"
fi

# Every link: an in-page anchor names an id of the page; any other href is a file beside it.
anchors=0; files=0
for href in $(grep -o 'href="[^"]*"' "$page" | sed 's/^href="//; s/"$//' | sort -u); do
  case $href in
    \#*) grep -q "id=\"${href#\#}\"" "$page" || fail "link $href: no element has that id"; anchors=$((anchors + 1)) ;;
    *://*) fail "link $href leaves the page's directory" ;;
    *) [ -e "$work/out/$href" ] || fail "link $href: no such file beside index.html"; files=$((files + 1)) ;;
  esac
done
echo "links: $anchors in-page anchors and $files file links, all resolve"

# Not blank: far larger than a blank page's PNG rendered the same way (white compresses to little).
echo '<!DOCTYPE html><html><body></body></html>' >"$work/blank.html"
render 1280 "$work/blank.html" --screenshot="$work/blank.png" >/dev/null 2>&1 || fail "chromium could not render a blank page"
page_size=$(wc -c <"$work/page-1280.png")
blank_size=$(wc -c <"$work/blank.png")
echo "rendered index.html: $page_size bytes of PNG at 1280 px (a blank page: $blank_size bytes)"
[ "$page_size" -ge $((blank_size * 4)) ] || fail "the rendered page looks blank"
if [ -n "${SUMSQ_BROWSER_PNG_DIR:-}" ]; then cp "$work"/page-*.png "$SUMSQ_BROWSER_PNG_DIR"/ && cp -r "$work/out" "$SUMSQ_BROWSER_PNG_DIR"/; fi
echo "PASS"
