#!/bin/sh
# fuzz.sh runs every fuzz target of the module, one after another, for
# FUZZTIME each (default 2m): `make fuzz-long`. Targets are found in the
# sources (func FuzzX in a _test.go file), so a new one cannot be left out.
# FUZZPARALLEL (default 1) is the fuzzing workers per target: the machine
# is shared, and a longer run is what finds more, not more workers.
# A failure stops the run; its input is kept under testdata/fuzz, where
# `go test` replays it from then on.
set -eu
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-2m}
FUZZPARALLEL=${FUZZPARALLEL:-1}
grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r file; do
	dir=$(dirname "$file")
	for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
		echo "== $dir $target ($FUZZTIME)"
		"$GO" test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" -parallel "$FUZZPARALLEL" "$dir"
	done
done
