# bash completion for gputrace: commands, options, trace files, and the VM
# ids and PCI functions a trace knows for --vm, --explain and --device.
_gputrace_trace_arg() {
	local w
	for w in "${COMP_WORDS[@]}"; do
		case "$w" in *.gtrace) [ -r "$w" ] && { echo "$w"; return; } ;; esac
	done
}

_gputrace() {
	local cur prev cmd trace
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=${COMP_WORDS[1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "record dump report mark features status check bundle help" -- "$cur"))
		return
	fi
	case "$prev" in
	--vm)
		trace=$(_gputrace_trace_arg)
		[ -n "$trace" ] && COMPREPLY=($(compgen -W "$(gputrace report -j "$trace" 2>/dev/null |
			grep -o '"vm": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' | sort -u)" -- "$cur"))
		return ;;
	--device|--explain)
		trace=$(_gputrace_trace_arg)
		[ -n "$trace" ] && COMPREPLY=($(compgen -W "$(gputrace dump "$trace" 2>/dev/null |
			grep -o '[0-9a-f]\{4\}:[0-9a-f]\{2\}:[0-9a-f]\{2\}\.[0-7]' | sort -u)" -- "$cur"))
		return ;;
	-f|--format) COMPREPLY=($(compgen -W "text md json html" -- "$cur")); return ;;
	--backend) COMPREPLY=($(compgen -W "auto fentry kprobe tracepoint" -- "$cur")); return ;;
	--kmsg) COMPREPLY=($(compgen -W "devices all off" -- "$cur")); return ;;
	--read-journal) COMPREPLY=($(compgen -W "on off" -- "$cur") $(compgen -d -- "$cur")); return ;;
	--jsonl) COMPREPLY=($(compgen -W "-" -- "$cur") $(compgen -f -- "$cur")); return ;;
	--color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
	-o|--output|--root) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac
	if [[ "$cur" == -* ]]; then
		COMPREPLY=($(compgen -W "$(gputrace "$cmd" --help 2>/dev/null | grep -o -- '--[a-z-]*' | sort -u)" -- "$cur"))
		return
	fi
	case "$cmd" in
	dump|report|bundle) COMPREPLY=($(compgen -f -X '!*.gtrace' -- "$cur") $(compgen -d -- "$cur")) ;;
	esac
}
complete -F _gputrace gputrace
