# Trace assertions for every lab run (see tests/lab/check-run.sh for the
# environment). Compares the trace with the guest's ground truth.
set -u

# 1. Every sysfs write a stand-in tool made (actions.txt) is in the trace as
#    a sysfs_write of the same process (pid, comm), attribute and bytes.
#    The trace has the kernfs path (/sys/bus/pci/drivers/bochs-drm/unbind for
#    .../devices/0000:00:05.0/driver/unbind), so attributes are compared.
awk '$5 == "write" {
	match($0, /"[^"]*"/)
	data = substr($0, RSTART + 1, RLENGTH - 2)
	n = split($6, p, "/")
	sub(/^pid=/, "", $2); sub(/^comm=/, "", $4)
	printf "{\"pid\":%s,\"comm\":\"%s\",\"attr\":\"%s\",\"data\":\"%s\\n\",\"path\":\"%s\"}\n", $2, $4, p[n], data, $6
}' "$LAB_ACTIONS" >"$LAB_OUT/writes.jsonl"
missing=$(jq -r -n --slurpfile w "$LAB_OUT/writes.jsonl" --slurpfile t "$LAB_TRACE_JSON" '
	[$t[] | select(.type == "event" and .kind == "sysfs_write")] as $ev
	| $w[] | . as $x
	| select([$ev[] | select(.task.pid == $x.pid and .task.comm == $x.comm
		and .attr == $x.attr and .data == $x.data)] | length == 0)
	| "\($x.comm)[\($x.pid)] \($x.path) \($x.data | rtrimstr("\n") | @json)"')
if [ -n "$missing" ]; then
	echo "$missing" | sed 's/^/not in trace: /'
	echo "$(echo "$missing" | wc -l) of $(wc -l <"$LAB_OUT/writes.jsonl") sysfs writes missing from the trace, first: $(echo "$missing" | head -n 1)"
	exit 1
fi

# 2. Every bind/unbind event names a PCI device and a driver in plain text.
bad=$(jq -r 'select(.type == "event" and (.kind == "bind" or .kind == "unbind"))
	| select((.device | test("^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$") | not)
		or (.driver | test("^[A-Za-z0-9_.-]+$") | not))
	| "\(.kind) device=\(.device | @json) driver=\(.driver | @json)"' "$LAB_TRACE_JSON" | head -n 1)
[ -z "$bad" ] || { echo "malformed driver-core event: $bad"; exit 1; }

# 3. For every driver the guest saw each function move to, a bind: a
#    driver-core event, or a uevent (ACTION=bind) where the backend records
#    outcomes from uevents (header "outcomes": "uevent", the tracepoint one).
for dev in 0000:00:05.0 0000:00:05.1; do
	for drv in $(sed -n "s/.* $dev=\([^ ]*\) .*/\1/p" "$LAB_EXPECT" | grep -v '^none$' | uniq | tail -n +2); do
		jq -e -s --arg d "$dev" --arg r "$drv" \
			'any(.[]; (.type == "event" and .kind == "bind" and .device == $d and .driver == $r)
				or (.type == "uevent" and .ACTION == "bind" and .PCI_SLOT_NAME == $d and .DRIVER == $r))' \
			"$LAB_TRACE_JSON" >/dev/null || { echo "no bind event for $dev -> $drv"; exit 1; }
	done
done

# 4. The trace's end snapshot agrees with the guest's final step.
final=$(grep '^step=final ' "$LAB_EXPECT" | tail -n 1)
for dev in 0000:00:05.0 0000:00:05.1; do
	want=$(echo "$final" | sed -n "s/.* $dev=\([^ ]*\) .*/\1/p")
	[ "$want" = none ] && want=
	got=$(jq -r -s --arg d "$dev" '[.[] | select(.type == "pci" and .phase == "end" and .bdf == $d)][0].driver // "(no snapshot)"' "$LAB_TRACE_JSON")
	[ "$got" = "$want" ] || { echo "end snapshot: $dev on '$got', guest says '$want'"; exit 1; }
done
# 5. `gputrace status --json`, run in the guest after the scenario: the
#    display function and its audio sibling (same slot, same IOMMU group),
#    with the drivers and overrides the guest's ground truth has at the end.
st=$LAB_OUT/gpu-status.json
[ -s "$st" ] || { echo "the guest sent no gpu-status.json"; exit 1; }
# A function removed and rescanned may come back in an IOMMU group of its
# own under the guest's emulated IOMMU: then the pair is only checked by
# address.
if grep -q '/remove "1"' "$LAB_ACTIONS"; then same_group=true; else
	same_group='(.devices[1].shown_because | index("iommu_group")) and .devices[0].iommu_group == .devices[1].iommu_group'
fi
# A scenario with a second GPU (lab-devices: gpu2) has 00:06.0 too.
if grep -q '^# lab-devices: .*gpu2' "$LAB_SCENARIO_FILE"; then
	want_devs='["0000:00:05.0", "0000:00:05.1", "0000:00:06.0"]' want_displays=2
elif grep -q '^# lab-devices: .*gpu-port' "$LAB_SCENARIO_FILE"; then
	want_devs='["0000:00:05.0", "0000:00:05.1", "0000:01:00.0"]' want_displays=2
else
	want_devs='["0000:00:05.0", "0000:00:05.1"]' want_displays=1
fi
jq -e ".display_devices == $want_displays and ([.devices[].bdf] == $want_devs) and $same_group" \
	"$st" >/dev/null || { echo "status: not the display + audio pair in one IOMMU group: $(jq -c '[.devices[] | {bdf, iommu_group}]' "$st")"; exit 1; }
for dev in 0000:00:05.0 0000:00:05.1; do
	want=$(echo "$final" | sed -n "s/.* $dev=\([^ ]*\).*/\1/p")
	want_ov=$(echo "$final" | sed -n "s/.* $dev.override=\([^ ]*\).*/\1/p")
	got=$(jq -r --arg d "$dev" '.devices[] | select(.bdf == $d) | (.driver // "none") | if . == "" then "none" else . end' "$st")
	got_ov=$(jq -r --arg d "$dev" '.devices[] | select(.bdf == $d) | (.driver_override // "none") | if . == "" then "none" else . end' "$st")
	[ "$got $got_ov" = "$want $want_ov" ] || { echo "status: $dev on '$got' override '$got_ov', guest says '$want' '$want_ov'"; exit 1; }
done
echo "$(wc -l <"$LAB_OUT/writes.jsonl") sysfs writes, the driver changes and the end state found in the trace; status agrees"
