#!/bin/sh
# The map of the tree (docs/design.md) kept true: each folder of src/
# includes only the folders below it, and no two files of src/ depend on
# each other in a circle, neither by their includes nor, in the built
# objects (build/obj, when there), by their calls. One line per broken rule,
# then "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."

# folder: what its files may include ("wire" is include/gputrace, "build"
# the generated skeletons, "base" the files directly in src/).
RULES='
base:     base wire
trace:    base wire trace
sys:      base sys
model:    base wire trace sys model
findings: base wire trace sys model findings
audit:    base sys audit
status:   base sys status
redact:   base wire trace sys redact
record:   base wire build trace sys record
render:   base wire trace sys model findings audit status render
cmd:      base wire build trace sys model findings audit status redact record render cmd
main:     base wire cmd
'

failed=0; passed=0; skipped=0
report() {	# $1: number of problems printed above
	if [ "$1" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

# "FILE TARGET" for every quoted include of src/.
edges=$(for f in $(find src -name '*.[ch]' | sort); do
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
		while read -r t; do echo "$f $t"; done
done)

# 1. Each file includes only what its folder may.
bad=$(echo "$edges" | awk -v rules="$RULES" '
	function layer_of_file(f,   p) {
		p = f; sub(/^src\//, "", p)
		if (p == "main.c") return "main"
		if (index(p, "/") == 0) return "base"
		sub(/\/.*/, "", p); return p
	}
	function layer_of_target(t,   p) {
		if (t ~ /^gputrace\//) return "wire"
		if (t ~ /\.skel\.h$/ || t == "syscall_nr.h") return "build"
		if (index(t, "/") == 0) return "base"
		p = t; sub(/\/.*/, "", p); return p
	}
	BEGIN {
		n = split(rules, lines, "\n")
		for (i = 1; i <= n; i++) {
			if (lines[i] !~ /:/) continue
			split(lines[i], kv, ":"); k = kv[1]; gsub(/[[:space:]]/, "", k)
			m = split(kv[2], allowed, " ")
			known[k] = 1
			for (j = 1; j <= m; j++) ok[k, allowed[j]] = 1
		}
	}
	NF == 2 {
		from = layer_of_file($1); to = layer_of_target($2)
		if (!(from in known))
			printf "%s: folder %s is not in the map (tests/layers.sh, docs/design.md)\n", $1, from
		else if (!((from, to) in ok))
			printf "%s: includes \"%s\": %s may not include %s\n", $1, $2, from, to
	}')
[ -n "$bad" ] && echo "$bad"
report "$(printf '%s' "$bad" | grep -c .)"

# A circle in a graph given as "A B" lines (A depends on B): prints one
# circle per line, "a -> b -> a", nothing when there is none.
circles() {
	awk '
	NF == 2 && $1 != $2 { key = $1 SUBSEP $2; if (!(key in seen)) { seen[key] = 1
		out[$1] = out[$1] " " $2; nodes[$1] = 1; nodes[$2] = 1 } }
	function visit(v,   i, n, next_nodes, w, k, path) {
		state[v] = 1; stack[++depth] = v
		n = split(out[v], next_nodes, " ")
		for (i = 1; i <= n; i++) {
			w = next_nodes[i]
			if (state[w] == 1) {
				path = w
				for (k = depth; k >= 1 && stack[k] != w; k--) ;
				for (k = k + 1; k <= depth; k++) path = path " -> " stack[k]
				print path " -> " w
			} else if (!state[w])
				visit(w)
		}
		depth--; state[v] = 2
	}
	END { for (v in nodes) if (!state[v]) visit(v) }' | sort -u
}

# 2. No circle of includes between files (a .c and its .h are one file).
inc=$(echo "$edges" | awk '
	NF == 2 {
		from = $1; sub(/^src\//, "", from); sub(/\.[ch]$/, "", from)
		to = $2; sub(/\.[ch]$/, "", to)
		if (to !~ /^gputrace\// && to !~ /\.skel$/) print from, to
	}' | circles)
[ -n "$inc" ] && echo "$inc" | sed 's/^/include circle: /'
report "$(printf '%s' "$inc" | grep -c .)"

# 3. No circle of calls between files: who defines what, from the objects.
if ls build/obj/*/*.o > /dev/null 2>&1 && command -v nm > /dev/null; then
	calls=$(for o in $(find build/obj -name '*.o' | sort); do
		f=${o#build/obj/}; f=${f%.o}
		[ -f "src/$f.c" ] || continue	# left behind by a source since moved
		nm "$o" | awk -v f="$f" '$2 ~ /^[TDBR]$/ { print "D", f, $3 } $1 == "U" { print "U", f, $2 }'
	done | awk '
		$1 == "D" { def[$3] = $2 }
		$1 == "U" { use[++n] = $2 " " $3 }
		END { for (i = 1; i <= n; i++) { split(use[i], p, " ")
			if ((p[2] in def) && def[p[2]] != p[1]) print p[1], def[p[2]] } }' | circles)
	[ -n "$calls" ] && echo "$calls" | sed 's/^/call circle: /'
	report "$(printf '%s' "$calls" | grep -c .)"
else
	echo "call circles: skipped (no build/obj; run make first)"
	skipped=$((skipped + 1))
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
