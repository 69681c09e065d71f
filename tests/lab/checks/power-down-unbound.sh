# power-down-unbound: the end snapshot has 01:00.0 driverless and runtime
# suspended, and the report's finding says it was powered down.
. "$(dirname "$0")/lib.sh"
st=$(trace_jq '[.[] | select(.type == "pci_state" and .bdf == "0000:01:00.0")] | last | "\(.driver)/\(.runtime_status)"')
[ "$st" = "/suspended" ] || { echo "01:00.0's last state is '$st', expected no driver and runtime suspended"; exit 1; }
report_jq 'any(.findings[]; .kind == "left_without_driver" and .device == "0000:01:00.0"
	and (.mechanism | contains("powered down")) and (.mechanism | contains("runtime PM suspended")))' || exit 1
echo "01:00.0 left without a driver, then runtime suspended: trace and report agree"
