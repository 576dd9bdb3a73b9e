#!/bin/sh
# The shape of the source tree (issue: one-way layers):
#   - each layer includes only the headers of the layers below it;
#   - no .c file over 700 lines, no function over 80 lines, the tests'
#     own included.
set -u
top=${top_srcdir:-.}
cd "$top" || exit 2
fail=0
order="lib market alerts providers config store notify daemon ctl"

rank() {
	i=0
	for l in $order; do
		[ "$l" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo -1
}

for dir in $order; do
	r=$(rank "$dir")
	for f in "$dir"/*.c "$dir"/*.h; do
		[ -f "$f" ] || continue
		for inc in $(sed -n 's|^#include "\([a-z]*\)/[a-z_]*\.h"|\1|p' "$f"); do
			ir=$(rank "$inc")
			if [ "$ir" -lt 0 ] || [ "$ir" -gt "$r" ]; then
				echo "FAIL: $f ($dir) includes a header of $inc/"
				fail=1
			fi
		done
	done
done

# (protoc-c's output is not ours to shape)
for f in $(for d in $order tests; do ls "$d"/*.c 2>/dev/null; done |
    grep -v '\.pb-c\.c$'); do
	n=$(wc -l < "$f")
	if [ "$n" -gt 700 ]; then
		echo "FAIL: $f has $n lines (at most 700)"
		fail=1
	fi
	# a function: its body from a "{" to a "}" in the first column
	awk -v f="$f" '
		/^\{/ { start = NR; name = prev }
		/^\}/ && start { n = NR - start + 1
			if (n > 80) { printf "FAIL: %s:%d: %s is %d lines (at most 80)\n", f, start, name, n; bad = 1 }
			start = 0 }
		/\(/ && !/^[ \t]/ { prev = $0 }
		END { exit bad }' "$f" || fail=1
done

if [ "$fail" -eq 0 ]; then
	echo "layers one-way, files and functions within their sizes"
fi
exit $fail
