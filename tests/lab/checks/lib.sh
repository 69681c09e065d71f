# Sourced by the per-scenario checks: jq helpers over $LAB_TRACE_JSON.

# trace_jq FILTER [jq options]: jq -s over the trace; FILTER sees the array.
trace_jq() {
	_f=$1
	shift
	jq -r -s "$@" "$_f" "$LAB_TRACE_JSON"
}

# last_bind BDF: "driver comm ts_ns" of the last bind of BDF. Driver-core
# bind events carry the process; backends that take outcomes from uevents
# (tracepoint) have only the uevent, and comm is then "-".
last_bind() {
	trace_jq '([.[] | select(.type == "event" and .kind == "bind" and .device == $d)] | sort_by(.ts_ns) | last) as $e
		| ([.[] | select(.type == "uevent" and .ACTION == "bind" and .PCI_SLOT_NAME == $d)] | sort_by(.ts_ns) | last) as $u
		| if $e != null then "\($e.driver) \($e.task.comm) \($e.ts_ns)"
		  elif $u != null then "\($u.DRIVER) - \($u.ts_ns)"
		  else "none - 0" end' --arg d "$1"
}

# write_before TS BDF: "comm attr" of the last sysfs write naming BDF (in
# its path or value) that began before TS (a uevent is read after the
# write that caused it began, sometimes well after on an emulated guest).
write_before() {
	trace_jq '[.[] | select(.type == "event" and .kind == "sysfs_write" and .ts_ns <= $t
		and ((.path | contains($d)) or (.data | contains($d))))]
		| sort_by(.ts_ns) | last | if . == null then "none none" else "\(.task.comm) \(.attr)" end' \
		--argjson t "$1" --arg d "$2"
}

# bound_by BDF DRIVER COMM WRITE_ATTR: the last bind of BDF is to DRIVER and
# was done by COMM (driver-core event), or, with uevents only, followed
# COMM's write to WRITE_ATTR with no other sysfs write in between.
bound_by() {
	set -- "$1" "$2" "$3" "$4" "$(last_bind "$1")"
	_drv=${5%% *} _rest=${5#* }
	_comm=${_rest%% *} _ts=${_rest#* }
	[ "$_drv" = "$2" ] || { echo "last bind of $1 is to '$_drv', expected $2"; return 1; }
	if [ "$_comm" != - ]; then
		[ "$_comm" = "$3" ] || { echo "$1 -> $2 attributed to '$_comm', expected $3"; return 1; }
		return 0
	fi
	_w=$(write_before "$_ts" "$1")
	# the uevent carries no pid: the writer's name is what can be checked
	[ "${_w%% *}" = "$3" ] || { echo "uevent bind of $1 -> $2 follows a write by '$_w', expected '$3 $4'"; return 1; }
}

# last_write COMM ATTR: "ts_ns end_ns" of the last sysfs write of ATTR by
# COMM, or nothing.
last_write() {
	trace_jq '[.[] | select(.type == "event" and .kind == "sysfs_write" and .task.comm == $c and .attr == $a)]
		| sort_by(.ts_ns) | last | if . == null then "" else "\(.ts_ns) \(.end_ns)" end' --arg c "$1" --arg a "$2"
}

# report_jq FILTER [jq options]: jq -e over `gputrace report --json` of the
# run's trace (made once per run); prints why on failure. The report's exit
# status is in $LAB_OUT/report.rc.
report_jq() {
	report_make
	_f=$1
	shift
	jq -e "$@" "$_f" "$LAB_OUT/report.json" >/dev/null || {
		echo "report: not true: $_f"
		return 1
	}
}

# report_make: `gputrace report --json` of the run's trace, once, with the
# scenario's own options (a "# lab-report-args: ..." line, shell words).
report_make() {
	[ -f "$LAB_OUT/report.json" ] && return 0
	_args=$(sed -n 's/^# lab-report-args: //p' "$LAB_SCENARIO_FILE" | head -n 1)
	eval "\"\$GPUTRACE\" report --json $_args \"\$LAB_OUT/trace.gtrace\"" \
		>"$LAB_OUT/report.json" 2>"$LAB_OUT/report.err"
	echo $? >"$LAB_OUT/report.rc"
}

# report_finding KIND DEVICE CULPRIT_COMM MECHANISM_KIND: the report has that
# finding; with uevent outcomes (tracepoint backend) the culprit is inferred.
report_finding() {
	report_jq 'any(.findings[]; .kind == $k and .device == $d and .culprit.comm == $c
		and .mechanism_kind == $m and .culprit.inferred == (.culprit.inferred and $tp))' \
		--arg k "$1" --arg d "$2" --arg c "$3" --arg m "$4" \
		--argjson tp "$([ "$LAB_BACKEND" = tracepoint ] && echo true || echo false)"
}

# report_clean: no HIGH or WARN finding, exit status 0.
report_clean() {
	report_jq '[.findings[] | select(.severity != "INFO")] | length == 0' || return 1
	[ "$(cat "$LAB_OUT/report.rc")" = 0 ] || { echo "report exited $(cat "$LAB_OUT/report.rc")"; return 1; }
}
