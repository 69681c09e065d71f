#!/bin/sh
# journal_send.sh GT BDF DIR MODE BIN: records with --journal while writing
# harmless sysfs attributes of BDF (driverless) and marking, then reads the
# entries back with journalctl into DIR/entries.json. MODE private: run in
# a mount namespace of our own, with a journald of our own (run.sh calls it
# under unshare -m); system: the host's journald.
GT=$1 bdf=$2 d=$3 mode=$4 bin=$5
if [ "$mode" = private ]; then
	mount -t tmpfs gt-journal /run/systemd || exit 1
	mkdir -p /run/systemd/journal /run/log
	mount -t tmpfs gt-log /run/log || exit 1
	/lib/systemd/systemd-journald > "$d/journald.log" 2>&1 &
	jpid=$!
	i=0; until [ -S /run/systemd/journal/socket ] || [ $i -gt 50 ]; do sleep 0.1; i=$((i + 1)); done
fi
since=$(date '+%Y-%m-%d %H:%M:%S')
trace=$d/j.gtrace
"$GT" record -q --journal -o "$trace" 2>"$d/rec.err" &
rpid=$!
i=0; until grep -q ready "$d/rec.err" || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
dev=/sys/bus/pci/devices/$bdf
"$bin/gt-writer" "$dev/driver_override" vfio-pci "$d/w1.pid"
"$bin/gt-writer" "$dev/driver_override" '\n' "$d/w2.pid"
"$bin/gt-writer" /sys/bus/pci/drivers_probe "0000:ff:1f.7" "$d/w3.pid" 2>/dev/null
"$GT" mark gt-journal-mark
sleep 0.5
kill -INT $rpid; wait $rpid; echo "recorder rc=$?"
cat "$d/rec.err"
sleep 0.3
if [ "$mode" = private ]; then
	# journald also takes the kernel log, where recorders leave a line:
	# the entries of this recording name its trace
	journalctl -D /run/log/journal -o json --no-pager SYSLOG_IDENTIFIER=gputrace "GPUTRACE_TRACE=$trace" > "$d/entries.json"
	kill $jpid
else
	journalctl --sync 2>/dev/null
	journalctl -o json --no-pager --since "$since" SYSLOG_IDENTIFIER=gputrace "GPUTRACE_TRACE=$trace" > "$d/entries.json"
fi
