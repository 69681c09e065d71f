# bash completion for gputrace: commands, options, trace files, and the VM
# ids and PCI functions a trace knows for --vm, --explain and --device.
# Commands and options are read from `gputrace --help` and `gputrace CMD
# --help`, so they follow the binary installed; tests/docs/run.sh checks
# that they match the man pages and docs/gputrace.md.

# The commands listed under "Commands:" in gputrace --help.
_gputrace_commands() {
	gputrace --help 2>/dev/null | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }'
}

# The options of one command: those in its usage lines and those that
# start a line of its option list (the first column only, so an option
# named in a description is not offered).
_gputrace_options() {
	gputrace "$1" --help 2>/dev/null | awk '
		/^Usage:/ { usage = 1 }
		usage && /^[ \t]*$/ { usage = 0 }
		usage { print; next }
		/^[ \t]+-/ { sub(/^[ \t]+/, ""); sub(/  .*$/, ""); print }' |
		grep -oE '(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[^-]*//' | sort -u
}

# The trace files named on the command line so far.
_gputrace_traces() {
	local w
	for w in "${COMP_WORDS[@]:2}"; do
		case "$w" in *.gtrace) [ -r "$w" ] && printf '%s\n' "$w" ;; esac
	done
}

# VM ids: those the traces on the line know (the "vms" of report -j), else
# this host's Proxmox VMs and libvirt domains.
_gputrace_vms() {
	local traces
	mapfile -t traces < <(_gputrace_traces)
	if [ ${#traces[@]} -gt 0 ]; then
		gputrace report -j "${traces[@]}" 2>/dev/null |
			grep -oE '\{"id":"[^"]*","flavour"' | sed 's/{"id":"\([^"]*\)".*/\1/' | sort -u
		return
	fi
	local f
	for f in /etc/pve/qemu-server/*.conf /etc/libvirt/qemu/*.xml; do
		[ -e "$f" ] || continue
		f=${f##*/}
		printf '%s\n' "${f%.*}"
	done
}

# PCI functions: those the traces on the line name, else this host's.
_gputrace_devices() {
	local traces
	mapfile -t traces < <(_gputrace_traces)
	if [ ${#traces[@]} -gt 0 ]; then
		gputrace dump "${traces[0]}" 2>/dev/null |
			grep -oE '[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]' | sort -u
	else
		ls /sys/bus/pci/devices 2>/dev/null
	fi
}

_gputrace() {
	local cur prev cmd
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=${COMP_WORDS[1]}
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$(_gputrace_commands) help --help --version" -- "$cur"))
		return
	fi
	if [ "$cmd" = help ]; then
		[ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "$(_gputrace_commands)" -- "$cur"))
		return
	fi
	case "$cmd:$prev" in
	*:--vm) COMPREPLY=($(compgen -W "$(_gputrace_vms)" -- "$cur")); return ;;
	*:--device|*:--explain|status:-d)
		COMPREPLY=($(compgen -W "$(_gputrace_devices)" -- "$cur")); return ;;
	report:-f|*:--format) COMPREPLY=($(compgen -W "text md json html" -- "$cur")); return ;;
	*:-b|*:--backend) COMPREPLY=($(compgen -W "auto fentry kprobe tracepoint" -- "$cur")); return ;;
	*:--kmsg) COMPREPLY=($(compgen -W "devices all off" -- "$cur")); return ;;
	*:--read-journal) COMPREPLY=($(compgen -W "on off" -- "$cur") $(compgen -d -- "$cur")); return ;;
	*:--jsonl) COMPREPLY=($(compgen -W "-" -- "$cur") $(compgen -f -- "$cur")); return ;;
	*:--color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
	*:--kind) COMPREPLY=($(compgen -W "sysfs_write bind unbind probe_fail dynid exec exit reset power guard
		header uevent mark pci process file counters end kmsg pci_state journal" -- "$cur")); return ;;
	*:--mark-group) COMPREPLY=($(compgen -g -- "$cur")); return ;;
	*:--allow) COMPREPLY=($(compgen -c -- "$cur")); return ;;
	*:--root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	*:-o|*:--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	record:-d|*:--duration|*:--buffer-size|*:--max-size|*:--keep|*:--hook|*:--phase|*:--since|*:--until|*:--kernel-release)
		return ;;	# a value of the user's own
	esac
	if [[ "$cur" == -* ]]; then
		COMPREPLY=($(compgen -W "$(_gputrace_options "$cmd")" -- "$cur"))
		return
	fi
	case "$cmd" in
	dump|report|bundle)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -X '!*.gtrace' -- "$cur") $(compgen -d -- "$cur")) ;;
	esac
}
complete -F _gputrace gputrace
