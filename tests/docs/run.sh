#!/bin/bash
# The documentation against the binary, as bpftool's selftests keep its docs
# and completion in step with its code. Every command and option comes from
# the live `gputrace --help` and `gputrace CMD --help`, never from a list
# kept here, so a new option fails this suite until it is documented.
#   - the man pages (docs/man/*.scd) build with scdoc and pass man's
#     --warnings lint (what lintian runs);
#   - each option of CMD --help is in gputrace-CMD(8) (SYNOPSIS and an
#     OPTIONS entry), in CMD's synopsis in docs/gputrace.md, in README.md's
#     usage block and in the bash completion's candidates; and none of those
#     shows an option --help does not;
#   - the completion completes commands, trace files, the VM ids and PCI
#     functions of the trace on the line, and values the commands accept.
# No root needed.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
GT=${GT:-build/gputrace}
MK=${MK:-build/tests/html_traces}
GT=$(realpath "$GT")
T=$(mktemp -d /tmp/docs-test.XXXXXX)
trap 'rm -rf "$T"' EXIT

# words: the option names (-x, --long-name) among the words of stdin.
words() {
	awk '{ n = split($0, w, /[^A-Za-z0-9-]+/)
	       for (i = 1; i <= n; i++) if (w[i] ~ /^--?[A-Za-z][A-Za-z0-9-]*$/) print w[i] }' |
		grep -vxE -- '-h|--help' | sort -u
}

# help_options CMD: the options CMD --help shows: its usage lines, and the
# first column of each line of its option list.
help_options() {
	"$GT" "$1" --help | awk '
		/^Usage:/ { usage = 1 }
		usage && NF == 0 { usage = 0 }
		usage { print; next }
		/^[ \t]+-/ { sub(/^[ \t]+/, ""); sub(/  .*/, ""); print }' | words
}

# man_section FILE NAME: the lines of one section of an scdoc page.
man_section() {
	awk -v s="# $2" '$0 == s { on = 1; next } /^# / { on = 0 } on' "$1"
}

# synopsis_of FILE CMD: the lines of CMD's synopsis in the first code block
# after the heading HEAD of FILE (docs/gputrace.md, README.md): a line
# "gputrace CMD ..." and the indented lines that follow it, comments cut.
synopsis_of() {
	awk -v head="$2" -v cmd="$3" '
		$0 == head { sect = 1; next }
		sect && /^```/ { if (block) exit; block = 1; next }
		!block { next }
		{ sub(/#.*/, "") }
		/^gputrace / { mine = ($2 == cmd) }
		/^[^ \t]/ && !/^gputrace / { mine = 0 }
		mine { print }' "$1"
}

# same NAME EXPECTED-FILE GOT-FILE: pass when both sets are equal; else
# name what is missing and what is extra.
same() {
	local missing extra
	missing=$(comm -23 "$2" "$3" | tr '\n' ' ')
	extra=$(comm -13 "$2" "$3" | tr '\n' ' ')
	if [ -z "$missing$extra" ]; then
		t_pass "$1"
	else
		t_fail "$1" "${missing:+missing: $missing}${extra:+ not in --help: $extra}"
	fi
}

mapfile -t COMMANDS < <("$GT" --help | awk '/^Commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }')
if [ ${#COMMANDS[@]} -lt 5 ]; then
	t_fail "commands from gputrace --help" "found only: ${COMMANDS[*]}"
	t_summary; exit
fi

# --- man pages build and lint clean
if command -v scdoc >/dev/null; then
	for src in docs/man/*.scd; do
		page=$T/$(basename "$src" .scd)
		if ! scdoc < "$src" > "$page" 2> "$T/scdoc.err" || [ -s "$T/scdoc.err" ]; then
			t_fail "scdoc $src" "$(head -c 300 "$T/scdoc.err")"
			continue
		fi
		LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
			man --warnings -E UTF-8 -l -Tutf8 -Z "$page" > /dev/null 2> "$T/man.err"
		if [ -s "$T/man.err" ]; then
			t_fail "man --warnings $src" "$(head -c 300 "$T/man.err")"
		else
			t_pass "$src: scdoc and man --warnings clean"
		fi
	done
else
	t_fail "man pages" "scdoc missing (scripts/deps.sh installs it)"
fi

# --- one page per command, and gputrace(8) lists each
printf '%s\n' "${COMMANDS[@]}" | sort > "$T/commands"
ls docs/man | sed -n 's/^gputrace-\(.*\)\.8\.scd$/\1/p' | sort > "$T/pages"
same "a gputrace-CMD(8) per command" "$T/commands" "$T/pages"
man_section docs/man/gputrace.8.scd COMMANDS | sed -n 's/^\*\([a-z]*\)\*$/\1/p' | sort > "$T/listed"
same "gputrace(8) COMMANDS lists each command" "$T/commands" "$T/listed"

# --- each command's options: man page, docs/gputrace.md, README.md
for cmd in "${COMMANDS[@]}"; do
	help_options "$cmd" > "$T/$cmd.help"
	src=docs/man/gputrace-$cmd.8.scd
	[ -f "$src" ] || continue
	man_section "$src" SYNOPSIS | tr -d '*_\\' | words > "$T/$cmd.man-synopsis"
	same "$cmd: gputrace-$cmd(8) SYNOPSIS" "$T/$cmd.help" "$T/$cmd.man-synopsis"
	man_section "$src" OPTIONS | grep '^\*-' | tr -d '*_\\' | words > "$T/$cmd.man-options"
	same "$cmd: gputrace-$cmd(8) OPTIONS entries" "$T/$cmd.help" "$T/$cmd.man-options"
	synopsis_of docs/gputrace.md '## SYNOPSIS' "$cmd" > "$T/$cmd.md-lines"
	if [ -s "$T/$cmd.md-lines" ]; then
		words < "$T/$cmd.md-lines" > "$T/$cmd.md"
		same "$cmd: docs/gputrace.md SYNOPSIS" "$T/$cmd.help" "$T/$cmd.md"
	else
		t_fail "$cmd: docs/gputrace.md SYNOPSIS" "no line 'gputrace $cmd ...'"
	fi
	synopsis_of README.md '## Usage' "$cmd" > "$T/$cmd.readme-lines"
	if [ -s "$T/$cmd.readme-lines" ]; then
		words < "$T/$cmd.readme-lines" > "$T/$cmd.readme"
		same "$cmd: README.md usage block" "$T/$cmd.help" "$T/$cmd.readme"
	else
		t_fail "$cmd: README.md usage block" "no line 'gputrace $cmd ...'"
	fi
done

# --- bash completion
mkdir -p "$T/bin" "$T/cwd/sub"
ln -s "$GT" "$T/bin/gputrace"
export PATH="$T/bin:$PATH"
# shellcheck disable=SC1091
. scripts/install/gputrace.bash
# complete_at N WORD...: the candidates for word N (0: "gputrace"), one a
# line, sorted; complete_words WORD...: those for the last word.
complete_at() {
	local n=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$n
	COMPREPLY=()
	_gputrace
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort -u
}
complete_words() {
	complete_at $(($# - 1)) "$@"
}

complete_words gputrace '' | grep -vxE -- 'help|--help|--version' > "$T/comp-commands"
same "completion: commands" "$T/commands" "$T/comp-commands"
complete_words gputrace help '' > "$T/comp-help"
same "completion: help COMMAND" "$T/commands" "$T/comp-help"
for cmd in "${COMMANDS[@]}"; do
	complete_words gputrace "$cmd" - | grep -vxE -- '-h|--help' > "$T/$cmd.comp"
	same "$cmd: completion's options" "$T/$cmd.help" "$T/$cmd.comp"
done

if "$MK" "$T" > /dev/null 2>&1 && [ -f "$T/rogue.gtrace" ]; then
	cp "$T/rogue.gtrace" "$T/cwd/a.gtrace"
	touch "$T/cwd/notes.txt"
	(cd "$T/cwd" && complete_words gputrace report --utc '') > "$T/comp-files"
	printf 'a.gtrace\nsub\n' > "$T/want-files"
	same "completion: report's arguments are traces and directories" "$T/want-files" "$T/comp-files"

	"$GT" report -j "$T/rogue.gtrace" | jq -r '.vms[].id' | sort -u > "$T/want-vms"
	complete_words gputrace report "$T/rogue.gtrace" --vm '' > "$T/comp-vms"
	if [ -s "$T/want-vms" ]; then
		same "completion: --vm offers the trace's VMs" "$T/want-vms" "$T/comp-vms"
	else
		t_fail "completion: --vm offers the trace's VMs" "report -j found no VM in the test trace"
	fi
	complete_at 3 gputrace bundle --vm 1 "$T/rogue.gtrace" > "$T/comp-vms1"
	t_check "completion: --vm completes a prefix, trace after it" grep -qx 111 "$T/comp-vms1"

	"$GT" report -j "$T/rogue.gtrace" | jq -r '.vms[].devices[]' | sort -u > "$T/want-devs"
	complete_words gputrace report "$T/rogue.gtrace" --explain 0000:0a > "$T/comp-devs"
	t_check "completion: --explain offers the trace's functions" \
		test -s "$T/want-devs" -a -z "$(comm -23 "$T/want-devs" "$T/comp-devs")"

	# every value offered is one the command accepts (exit 2 is a usage error)
	for opt in --format --color; do
		bad=""
		for v in $(complete_words gputrace report "$opt" ''); do
			"$GT" report "$opt" "$v" "$T/rogue.gtrace" > /dev/null 2>&1
			[ $? -eq 2 ] && bad="$bad $v"
		done
		n=$(complete_words gputrace report "$opt" '' | wc -l)
		t_check "completion: report $opt values ($n) all accepted${bad:+, refused:$bad}" \
			test "$n" -ge 3 -a -z "$bad"
	done
else
	t_fail "completion on a trace" "$MK did not build the test traces"
fi
t_summary
