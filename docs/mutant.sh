#!/bin/sh
# mutant.sh FILE LINE COL OLD NEW [go test flags] PKG... applies one mutant, OLD at LINE:COL
# (a tab counts as one column, as gremlins counts) becoming NEW, to a copy of
# the tree and runs PKG's tests there. It says LIVED or KILLED; the tree
# itself is never touched. For the mutants gremlins cannot judge: those it
# calls NOT COVERED though tests run them (a switch's case expressions), and
# handlers' mutants, which only other packages' tests reach.
# MUTANT_DIALECT=sqlite or postgres runs the store tests on that database only.
set -eu
[ $# -ge 6 ] || { echo "usage: $0 FILE LINE COL OLD NEW PKG..." >&2; exit 2; }
file=$1 line=$2 col=$3 old=$4 new=$5
shift 5
root=$(git rev-parse --show-toplevel)
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$copy")
awk -v l="$line" -v c="$col" -v o="$old" -v n="$new" '
	NR == l { if (substr($0, c, length(o)) != o) { print "no " o " at " l ":" c > "/dev/stderr"; exit 3 }
	          $0 = substr($0, 1, c - 1) n substr($0, c + length(o)) }
	{ print }' "$root/$file" > "$copy/$file"
if [ -n "${MUTANT_DIALECT:-}" ]; then
	sed -i 's/^var Dialects = .*/var Dialects = []string{"'"$MUTANT_DIALECT"'"}/' "$copy/models/storetest/storetest.go"
fi
if (cd "$copy" && go test -count=1 -failfast "$@" > "$copy/out" 2>&1); then
	echo "LIVED  $file:$line:$col $old -> $new"
else
	echo "KILLED $file:$line:$col $old -> $new"
	grep -m 3 -e '--- FAIL' -e 'build failed' -e '^panic' "$copy/out" || true
fi
