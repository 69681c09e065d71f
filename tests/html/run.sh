#!/bin/sh
# The HTML report in a real browser: traces built through the writer
# (build/tests/html_traces) and, when present, the lab's traces are rendered
# with `report --format html`, checked well-formed and self-contained, then
# shown by headless chromium; tests/html/page_check.py asserts on the DOM it
# dumped and on its screenshot what a person would check: a lane per
# function, the rebind's colour change at its time, the finding's marker, a
# stop sequence readable inside two hours of trace.
#   tests/html/run.sh                         the suite
#   tests/html/run.sh --screenshot TRACE PNG  a picture of TRACE's page
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
GT=${GT:-build/gputrace}
MK=${MK:-build/tests/html_traces}
LAB_MAX=${HTML_LAB_MAX:-6}
LAB_DIR=${HTML_LAB_DIR:-build/lab/suite}
OUT=$(mktemp -d /tmp/html-test.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
# the page states its zone; the test reads times in UTC
export TZ=UTC

browser() {
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d "$OUT/profile.XXXXXX")" "$@"
}

# shot HTML PNG [HEIGHT]
shot() {
	browser --screenshot="$2" --window-size=1400,"${3:-2000}" "file://$(realpath "$1")" >/dev/null 2>&1 &&
		[ -s "$2" ]
}

# dom HTML OUT: the document as the browser built it
dom() {
	browser --dump-dom "file://$(realpath "$1")" > "$2" 2>/dev/null && [ -s "$2" ]
}

if [ "${1:-}" = --screenshot ]; then
	"$GT" report -f html "$2" > "$OUT/page.html"
	shot "$OUT/page.html" "$3" "${HEIGHT:-1000}" || { echo "html: no screenshot" >&2; exit 1; }
	exit 0
fi

# well-formed as XML (the page is written so): xmllint, else python3
valid() {
	if command -v xmllint >/dev/null; then
		xmllint --noout "$2" 2> "$OUT/valid.err"
	else
		python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$2" 2> "$OUT/valid.err"
	fi
	if [ $? = 0 ]; then t_pass "$1: well-formed"; else t_fail "$1: well-formed" "$(head -3 "$OUT/valid.err")"; fi
}

# nothing fetched: no script, stylesheet link, image or URL but SVG's namespace
self_contained() {
	urls=$(grep -o 'https\?://[^" ]*' "$2" | grep -v '^http://www.w3.org/2000/svg$' | head -3)
	if grep -q -i -e '<script' -e '<link' -e '<img' -e ' src=' "$2" || [ -n "$urls" ]; then
		t_fail "$1: self-contained" "refers outside: $urls"
	else
		t_pass "$1: self-contained"
	fi
}

# page_check NAME WHAT DOM PNG [EXPECT]: its lines become results
page_check() {
	python3 tests/html/page_check.py "$2" "$3" "$4" "${5:-$OUT/expect.env}" > "$OUT/check.out" 2>&1 ||
		echo "FAIL  page_check.py: $(tail -1 "$OUT/check.out")" >> "$OUT/check.out"
	while IFS= read -r line; do
		case "$line" in
		"PASS  "*) t_pass "$1: ${line#PASS  }" ;;
		"FAIL  "*) rest=${line#FAIL  }; t_fail "$1: ${rest%%: *}" "${rest#*: }" ;;
		esac
	done < "$OUT/check.out"
}

if [ ! -x "$GT" ] || [ ! -x "$MK" ]; then
	t_fail "build" "$GT or $MK missing (make all $MK)"
	t_summary
	exit 1
fi
"$MK" "$OUT" || t_fail "traces" "$MK failed"
have_browser=0
if command -v chromium >/dev/null; then
	have_browser=1
else
	t_skip "browser" "chromium not installed (scripts/deps.sh installs it): no screenshots, checks on the raw page"
fi

# (t_check sets $name: the loops use names of their own)
# No timings here: this machine is shared and noisy (speed is make bench's).
for pg in rogue long; do
	"$GT" report -f html "$OUT/$pg.gtrace" > "$OUT/$pg.html"
	rc=$?
	want=0; [ $pg = rogue ] && want=3
	t_check "$pg: report -f html exits $want" test $rc = $want
	valid "$pg" "$OUT/$pg.html"
	self_contained "$pg" "$OUT/$pg.html"
	if [ $have_browser = 1 ] && shot "$OUT/$pg.html" "$OUT/$pg.png" && dom "$OUT/$pg.html" "$OUT/$pg.dom"; then
		t_pass "$pg: chromium rendered it (screenshot and DOM)"
		page_check "$pg" "$pg" "$OUT/$pg.dom" "$OUT/$pg.png"
	elif [ $have_browser = 1 ]; then
		t_fail "$pg: chromium rendered it" "no screenshot or DOM"
	else
		page_check "$pg" "$pg" "$OUT/$pg.html" -
	fi
done

# The lab's own traces, when a lab run left them: what `report -j` says
# (VM devices, stops, findings) the page shows.
n=0
for trace in "$LAB_DIR"/*/trace.gtrace; do
	[ -f "$trace" ] && [ $n -lt "$LAB_MAX" ] || continue
	n=$((n + 1))
	lab=lab/$(basename "$(dirname "$trace")")
	"$GT" report -f html "$trace" > "$OUT/lab.html"
	"$GT" report -j "$trace" > "$OUT/lab.json"
	valid "$lab" "$OUT/lab.html"
	if [ $have_browser = 0 ]; then
		page_check "$lab" lab "$OUT/lab.html" - "$OUT/lab.json"
	elif shot "$OUT/lab.html" "$OUT/lab.png" && dom "$OUT/lab.html" "$OUT/lab.dom"; then
		page_check "$lab" lab "$OUT/lab.dom" "$OUT/lab.png" "$OUT/lab.json"
	else
		t_fail "$lab: chromium rendered it" "no screenshot or DOM"
	fi
done
[ $n -gt 0 ] || t_skip "lab traces" "no $LAB_DIR/*/trace.gtrace (make lab leaves them)"
t_summary
