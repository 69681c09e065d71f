#!/bin/sh
# `gputrace check --root` on the fixture trees of tests/fixtures/check
# (see its README for where each file's shape comes from), asserted with jq.
# No root needed, nothing outside the trees is read.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
GT=${GT:-build/gputrace}
FX=tests/fixtures/check
OUT=$(mktemp -d /tmp/check-fixtures.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

# run TREE: JSON into $OUT/TREE.json, exit code into $OUT/TREE.rc
run() {
	"$GT" check --root "$FX/$1" --json > "$OUT/$1.json" 2> "$OUT/$1.err"
	echo $? > "$OUT/$1.rc"
}

# has TREE NAME FILTER: pass if FILTER over the check JSON yields true.
has() {
	if jq -e "$3" "$OUT/$1.json" >/dev/null 2>&1; then
		t_pass "$1: $2"
	else
		t_fail "$1: $2" "jq: $3"
	fi
}

F='.findings[]'
run passthrough-host
t_check "passthrough-host: exit 3" test "$(cat "$OUT/passthrough-host.rc")" -eq 3
has passthrough-host "enabled unit, the script's lines" \
	"[$F | select(.rule == \"unit-binds-device\" and .file == \"/usr/local/bin/vfio-bind\" and .severity == \"warn\" and .certainty == \"matched\" and (.trigger | test(\"wanted by multi-user.target\")) and (.via | test(\"^vfio-bind.service ExecStart=\")) and (.meaning | test(\"writes a driver to driver_override\")) and (.meaning | test(\"drivers_probe\")))] | length == 1"
has passthrough-host "initramfs ids warn like options ids=" \
	"[$F | select(.rule == \"vfio-ids-boot-modules\" and .file == \"/etc/initramfs-tools/modules\" and .line == 7 and .severity == \"warn\")] | length == 1"
has passthrough-host "grub ids from the next boot" \
	"[$F | select(.rule == \"vfio-ids-next-boot\" and .file == \"/etc/default/grub\" and .line == 5 and (.meaning | test(\"from the next boot\")))] | length == 1"
has passthrough-host "mapping resolved for the hook: VM holds the slot" \
	"[$F | select(.rule == \"hook-partial-slot\" and (.meaning | test(\"never names 0000:0a:00.1\")) and (.meaning | test(\"VM holds 0000:0a:00 \\\\(all functions\\\\)\")) and .certainty == \"guess\")] | length == 1"
has passthrough-host "hook binds without clearing the override" \
	"[$F | select(.rule == \"hook-override-not-cleared\" and .line == 10 and (.via | test(\"^VM 111: hookscript\")))] | length == 1"
has passthrough-host "nothing else" ".summary.total == 5 and .summary.high == 0"
has passthrough-host "other rules keep null trigger/via" \
	"[$F | select(.rule == \"vfio-ids-next-boot\" and .trigger == null and .via == null)] | length == 1"

for t in harmless-host clean-host; do
	run "$t"
	t_check "$t: exit 0" test "$(cat "$OUT/$t.rc")" -eq 0
	has "$t" "no finding" ".summary.total == 0 and (.findings | length) == 0"
done
t_summary
