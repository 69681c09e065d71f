# Host tests of a recorder run as a service: rotation (SIGHUP, --max-size,
# --keep), the JSON Lines stream, journal entries, and `status` listing
# recorders. Sourced by run.sh (its helpers, $GT, $work, $bdf).

# Writes around three SIGHUPs: every one of them is in the set, the set
# reads as one recording.
t_rotation() {
	if [ -z "$bdf" ]; then
		t_skip "rotation" "no driverless PCI device with driver_override here"
		return
	fi
	d=$work/rot; mkdir -p "$d"
	trace=$d/r.gtrace
	start_recorder "$trace" --jsonl "$d/r.jsonl" || { t_fail "rotation: recorder start" "$(cat "$trace.err")"; return; }
	attr=/sys/bus/pci/devices/$bdf/driver_override
	n=1500
	# builtin printf: one write(2) each, no process per write
	sh -c "i=1; while [ \$i -le $n ]; do printf 'gtroll%d' \$i > '$attr'; i=\$((i + 1)); done" &
	wpid=$!
	# one SIGHUP per roll: signals sent faster than a loaded machine rolls
	# would merge into one (as any signal does), so wait for each file
	for k in 1 2 3; do
		sleep 0.15
		kill -HUP "$rec_pid"
		i=0; until [ -f "$d/r.000$k.gtrace" ] || [ $i -gt 100 ]; do sleep 0.05; i=$((i + 1)); done
	done
	wait "$wpid"
	printf '\n' > "$attr"
	sleep 0.3
	t_check "rotation: recorder exits 0 after three SIGHUPs" stop_recorder
	t_check "rotation: four files (r.gtrace, r.0001 .. r.0003)" \
		test "$(ls "$d"/r*.gtrace | wc -l)" -eq 4 -a -f "$d/r.0003.gtrace"
	"$GT" dump --json "$d" > "$d/all.json" 2>"$d/dump.err"
	got=$(jq -r 'select(.kind=="sysfs_write" and (.data|startswith("gtroll"))) | .data' "$d/all.json" | sort -u | wc -l)
	echo "      rotation: $got of $n writes found in the set"
	t_check "rotation: every write of the $n found once in the set (got $got)" \
		test "$got" -eq "$n" -a "$(jq -r 'select(.kind=="sysfs_write" and (.data|startswith("gtroll"))) | .data' "$d/all.json" | wc -l)" -eq "$n"
	t_jq "rotation: each file a whole trace (header, start snapshot, END), in set order" "$d/all.json" \
		"[.[] | select(.type==\"header\") | .set_seq] == [\"0\",\"1\",\"2\",\"3\"] and
		 ([.[] | select(.type==\"end\") | .reason] == [\"rotated\",\"rotated\",\"rotated\",\"Interrupt\"]) and
		 ([.[] | select(.type==\"pci\" and .phase==\"start\" and .bdf==\"$bdf\")] | length) == 4"
	t_jq "rotation: the files' headers name one set" "$d/all.json" \
		"[.[] | select(.type==\"header\") | .set] | unique | length == 1"
	t_check "rotation: dump of the directory says nothing" test ! -s "$d/dump.err"
	t_jq "rotation: the last counters say nothing was lost" "$d/all.json" \
		"[.[] | select(.type==\"counters\")] | last | (.lost_sysfs==\"0\" and .records_lost==\"0\")"
	jl=$(jq -r 'select(.kind=="sysfs_write" and (.data|startswith("gtroll"))) | .data' "$d/r.jsonl" | sort -u | wc -l)
	t_check "rotation: --jsonl has every write too, across the rolls (got $jl)" test "$jl" -eq "$n"
	# the glob's order (r.0001 first) is put right; one host, one boot
	"$GT" report -j "$d"/r*.gtrace > "$d/report.json" 2>"$d/report.err"
	t_jq "rotation: report of the set: one recording, no boots or hosts, nothing lost" "$d/report.json" \
		".[0].lost_events == 0 and .[0].truncated == false and (.[0].phases | length) == 0 and
		 all(.[0].findings[]; (.summary | test(\"boots|host|lost|truncated\")) | not)"
	"$GT" bundle -o "$d/b.tar.gz" "$d" >/dev/null 2>"$d/bundle.err"
	t_check "rotation: bundle of the directory holds the four files" \
		test "$(tar tzf "$d/b.tar.gz" 2>/dev/null | grep -c '/traces/[0-9]*-r[.0-9]*gtrace$')" -eq 4
}

# --max-size rolls by itself; --keep removes the oldest beyond N.
t_max_size_keep() {
	t_check "bad --max-size is a usage error" sh -c "'$GT' record --max-size 12Q >/dev/null 2>&1; test \$? -eq 2"
	t_check "bad --keep is a usage error" sh -c "'$GT' record --keep 0 >/dev/null 2>&1; test \$? -eq 2"
	if [ -z "$bdf" ]; then
		t_skip "--max-size, --keep" "no driverless PCI device with driver_override here"
		return
	fi
	d=$work/keep; mkdir -p "$d"
	trace=$d/k.gtrace
	attr=/sys/bus/pci/devices/$bdf/driver_override
	start_recorder "$trace" --max-size 64k --keep 2 || { t_fail "--max-size: recorder start" "$(cat "$trace.err")"; return; }
	i=0
	until [ "$(grep -c 'file [0-9]* of this recording' "$trace.err")" -ge 3 ] || [ $i -gt 40 ]; do
		sh -c "i=1; while [ \$i -le 1000 ]; do printf 'gtkeep%d' \$i > '$attr'; i=\$((i + 1)); done"
		sleep 0.3	# the size is looked at when the file is written (every 250 ms)
		i=$((i + 1))
	done
	printf '\n' > "$attr"
	stop_recorder
	rolls=$(grep -c 'file [0-9]* of this recording' "$trace.err")
	t_check "--max-size 64k: rolled by itself ($rolls times)" test "$rolls" -ge 3
	t_check "--keep 2: two files left, the first ones removed" \
		test "$(ls "$d"/k*.gtrace | wc -l)" -eq 2 -a ! -e "$d/k.gtrace"
	"$GT" dump --json "$d" > "$d/all.json" 2>/dev/null
	t_jq "--keep 2: what is left is the end of the set, in order" "$d/all.json" \
		"[.[] | select(.type==\"header\") | .set_seq | tonumber] as \$s | (\$s | length) == 2 and \$s[1] == \$s[0] + 1"
}

# 10k events through --jsonl - while they happen: none lost, each a line
# of dump --json's schema.
t_jsonl_stream() {
	d=$work/jsonl; mkdir -p "$d"
	: > "$d/err"
	"$GT" record -q -o "$d/j.gtrace" --jsonl - > "$d/j.jsonl" 2>"$d/err" &
	rec_pid=$!
	i=0; until grep -q ready "$d/err" || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
	n=5000	# an exec and an exit each: 10k events
	i=0; while [ $i -lt $n ]; do /bin/true; i=$((i + 1)); done
	sleep 0.5
	# streamed as it happens: on the pipe before the recorder stops
	# (a flush interval is 0.25 s), not only when it exits
	live=$(grep -c '"filename":"/bin/true"' "$d/j.jsonl")
	t_check "jsonl: the execs are on the pipe while recording ($live of $n)" test "$live" -ge "$n"
	kill -INT "$rec_pid"; wait "$rec_pid"; rec_pid=
	lost=$(jq -s '[.[] | select(.type=="counters")] | last | [.lost_exec, .lost_exit, .lost_sysfs] | map(tonumber) | add' "$d/j.jsonl")
	execs=$(jq -s '[.[] | select(.kind=="exec" and .filename=="/bin/true")] | length' "$d/j.jsonl")
	echo "      jsonl: $(wc -l < "$d/j.jsonl") lines, $execs execs of /bin/true of $n, lost $lost"
	t_check "jsonl: every line is JSON" jq -e . "$d/j.jsonl" >/dev/null
	t_check "jsonl: the $n execs are there, none lost (got $execs, lost $lost)" test "$execs" -ge "$n" -a "$lost" = 0
	"$GT" dump --json "$d/j.gtrace" > "$d/dump.json"
	t_check "jsonl: the same lines as dump --json (snapshots left out)" sh -c \
		"jq -c 'select(.type!=\"pci\" and .type!=\"file\" and (.type!=\"process\" or .phase==\"exec\"))' '$d/dump.json' | cmp -s - '$d/j.jsonl'"
}

# --journal: the writes, the mark and the --quiet summary as journal
# entries, read back with journalctl. With no journald on the host (a
# container), a journald of the test's own runs in a mount namespace.
t_journal_send() {
	if [ -z "$bdf" ]; then
		t_skip "--journal" "no driverless PCI device with driver_override here"
		return
	fi
	d=$work/jsend; mkdir -p "$d"
	if systemctl is-active systemd-journald >/dev/null 2>&1; then
		mode=system
	elif [ -x /lib/systemd/systemd-journald ] && unshare -m true 2>/dev/null; then
		mode=private
	else
		t_skip "--journal" "no journald running here, and none can be started in a mount namespace"
		return
	fi
	if [ $mode = private ]; then
		unshare -m --propagation private sh "$here/journal_send.sh" "$GT" "$bdf" "$d" private "$work/bin" > "$d/log" 2>&1
	else
		sh "$here/journal_send.sh" "$GT" "$bdf" "$d" system "$work/bin" > "$d/log" 2>&1
	fi
	echo "      --journal: read back from $mode journald: $(jq -s length "$d/entries.json" 2>/dev/null) entries"
	t_check "--journal: recorder exits 0 ($mode journald)" grep -q "^recorder rc=0" "$d/log"
	w1=$(cat "$d/w1.pid" 2>/dev/null || echo 0)
	t_jq "--journal: the override write, with its writer, BDF and NOTICE priority" "$d/entries.json" \
		"any(.[]; .SYSLOG_IDENTIFIER==\"gputrace\" and .GPUTRACE_KIND==\"sysfs_write\" and
		     .GPUTRACE_ATTR==\"driver_override\" and .GPUTRACE_VALUE==\"vfio-pci\" and
		     .GPUTRACE_BDF==\"$bdf\" and .GPUTRACE_PID==\"$w1\" and .GPUTRACE_COMM==\"gt-writer\" and
		     .PRIORITY==\"5\" and (.MESSAGE|contains(\"wrote \\\"vfio-pci\\\"\")))"
	t_jq "--journal: the failed drivers_probe write is a WARNING with its -errno" "$d/entries.json" \
		"any(.[]; .GPUTRACE_KIND==\"sysfs_write\" and .GPUTRACE_ATTR==\"drivers_probe\" and
		     .PRIORITY==\"4\" and (.GPUTRACE_RESULT|tonumber) < 0 and (.MESSAGE|contains(\"failed\")))"
	t_jq "--journal: the mark" "$d/entries.json" \
		"any(.[]; .GPUTRACE_KIND==\"mark\" and .GPUTRACE_LABEL==\"gt-journal-mark\")"
	t_jq "--journal: no process starts or exits sent" "$d/entries.json" \
		"all(.[]; .GPUTRACE_KIND != \"exec\" and .GPUTRACE_KIND != \"exit\")"
	t_jq "-q: the summary logged at exit" "$d/entries.json" \
		"any(.[]; .GPUTRACE_KIND==\"summary\" and (.MESSAGE|test(\"[0-9]+ events\")) and .GPUTRACE_LOST==\"0\")"
	out=$(unshare -m --propagation private sh -c 'mount -t tmpfs x /run/systemd 2>/dev/null || exit 0; "$0" record --journal -o "$1" 2>&1' "$GT" "$d/none.gtrace"); rc=$?
	t_check "--journal without journald: exit 1, says why, leaves no file" \
		sh -c "[ $rc -eq 1 ] && echo '$out' | grep -q 'journald is not running' && [ ! -e '$d/none.gtrace' ]"
}

# status lists a running recorder with its file and counters, and forgets it
# when it ends.
t_status_recorders() {
	d=$work/status; mkdir -p "$d"
	trace=$d/s.gtrace
	start_recorder "$trace" || { t_fail "status: recorder start" "$(cat "$trace.err")"; return; }
	for k in 1 2 3 4 5 6 7 8 9 10; do /bin/true; done
	sleep 1.3	# the state is rewritten every second
	"$GT" status -j > "$d/st.json"
	"$GT" status > "$d/st.txt"
	t_jq "status -j: the recorder, its file and sane counters" "$d/st.json" \
		".[0].recorders | any(.[]; .pid==$rec_pid and .file==\"$trace\" and .files==1 and
		 .events >= 10 and .lost == 0 and .size > 0 and .backend != \"\")"
	t_check "status: the recorder in the text" grep -q "pid $rec_pid  $trace" "$d/st.txt"
	pid=$rec_pid
	stop_recorder
	"$GT" status -j > "$d/st2.json"
	t_jq "status -j: a recorder that ended is gone" "$d/st2.json" \
		".[0].recorders | all(.[]; .pid != $pid)"
	t_check "status: its state file removed" test ! -e "/run/gputrace/record-$pid.state"
}
