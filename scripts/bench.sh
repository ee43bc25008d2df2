#!/usr/bin/env bash
# bench.sh runs konnectd's benchmarks against the built binary and prints the
# table docs/benchmarks.md records, each number beside its goal.
#
# The numbers come from Go benchmarks (e2e/bench_test.go and friends) that
# start the real daemon on a real socket; this script only picks run lengths
# and lays the results out. Timings are never asserted anywhere: a goal that
# is missed shows as "no" in the table, and the script still succeeds. A
# benchmark that fails (BenchmarkLoad with any error, say) fails the script.
#
# BENCH_RAW=FILE keeps the raw `go test -bench` output as well.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
raw=${BENCH_RAW:-$work/raw.txt}
: >"$raw"

# One test binary for all the e2e runs: building it once keeps the runs
# comparable and the script shorter. Its TestMain builds konnectd itself.
$GO test -c -o "$work/e2e.test" ./e2e
$GO test -c -o "$work/jq.test" ./jq

bench() { # bench BINARY PATTERN BENCHTIME
	echo "bench.sh: $2 (-benchtime $3)" >&2
	"$1" -test.run '^$' -test.bench "$2" -test.benchtime "$3" -test.benchmem=false | tee -a "$raw" >&2
}

bench "$work/e2e.test" '^BenchmarkSocketRoundTrip(Raw)?$' 20000x
bench "$work/e2e.test" '^(BenchmarkJQDaemon|BenchmarkJQBinary)$' 3s
bench "$work/jq.test" '^BenchmarkEvalJSONWarm$' 3s
# 100 clients × 1,000 requests is one iteration; the memory benchmark sets
# up its own daemon per iteration.
bench "$work/e2e.test" '^(BenchmarkLoad|BenchmarkRSS)$' 1x
bench "$work/e2e.test" '^BenchmarkListUsers10k$' 3x
bench "$work/e2e.test" '^BenchmarkSaveToNotification$' 50x
bench "$work/e2e.test" '^BenchmarkExpiryWatch$' 1x

cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
mem=$(awk '/^MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo 2>/dev/null || true)
echo
echo "Machine: ${cpu:-unknown CPU}, $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs, ${mem:-? RAM}; $(uname -sr); $($GO env GOVERSION); jq $(jq --version 2>/dev/null || echo 'not installed')"
echo

# Go prints "BenchmarkName-N  iterations  value unit  value unit …".
awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i += 2) v[name, $(i+1)] = $i
	seen[name] = 1
}
function has(n, u) { return (n, u) in v }
function ms(ns) { return sprintf("%.2f ms", ns / 1e6) }
function row(what, result, goal, met) { printf "| %s | %s | %s | %s |\n", what, result, goal, met }
function yes(c) { return c ? "yes" : "no" }
END {
	print "| measurement | result | goal | met |"
	print "| --- | --- | --- | --- |"
	n = "BenchmarkSocketRoundTripRaw"
	if (has(n, "p50-µs"))
		row("socket round trip, `daemon/status`, a plain NDJSON client (p50 / p99)", v[n, "p50-µs"] " µs / " v[n, "p99-µs"] " µs", "p50 ≤ 50 µs", yes(v[n, "p50-µs"] <= 50))
	n = "BenchmarkSocketRoundTrip"
	if (has(n, "p50-µs"))
		row("the same through konnectd'"'"'s Go client, `rpc.Client` (p50 / p99)", v[n, "p50-µs"] " µs / " v[n, "p99-µs"] " µs", "–", "–")
	d = "BenchmarkJQDaemon"; j = "BenchmarkJQBinary"
	if (has(d, "ns/op")) {
		if (has(j, "ns/op")) {
			ratio = v[d, "ns/op"] / v[j, "ns/op"]
			row("warm `jq/eval` on 1 MiB over the socket vs `jq` binary (wall time per run)", ms(v[d, "ns/op"]) " vs " ms(v[j, "ns/op"]) " = " sprintf("%.2f×", ratio), "≤ 0.5×", yes(ratio <= 0.5))
		} else
			row("warm `jq/eval` on 1 MiB over the socket", ms(v[d, "ns/op"]), "≤ 0.5× jq (jq not installed)", "?")
	}
	e = "BenchmarkEvalJSONWarm"
	if (has(e, "ns/op"))
		row("warm jq engine in process on 1 MiB (decode + filter, no socket)", ms(v[e, "ns/op"]), "–", "–")
	r = "BenchmarkRSS"
	if (has(r, "idle-MB")) {
		row("daemon RSS, idle", sprintf("%.1f MB", v[r, "idle-MB"]), "≤ 20 MB", yes(v[r, "idle-MB"] <= 20))
		row("daemon RSS, 100 clients connected", sprintf("%.1f MB", v[r, "100clients-MB"]), "≤ 40 MB", yes(v[r, "100clients-MB"] <= 40))
	}
	l = "BenchmarkLoad"
	if (has(l, "errors"))
		row("load: 100 concurrent clients × 1,000 requests", sprintf("%.0f req/s, %d errors", v[l, "req/s"], v[l, "errors"]), "0 errors", yes(v[l, "errors"] == 0))
	s = "BenchmarkSaveToNotification"
	if (has(s, "p50-ms"))
		row("config save (rename over) → `profile/didChange` at a connected client (p50 / p99)", v[s, "p50-ms"] " ms / " v[s, "p99-ms"] " ms", "p50 ≤ 200 ms", yes(v[s, "p50-ms"] <= 200))
	x = "BenchmarkExpiryWatch"
	if (has(x, "rss1000-MB")) {
		row("expiry watch, 1,000 stored tokens: daemon RSS (vs none stored)", sprintf("%.1f MB vs %.1f MB", v[x, "rss1000-MB"], v[x, "rss0-MB"]), "–", "–")
		row("expiry watch, 1,000 stored tokens: idle CPU over 5 s (vs none stored)", sprintf("%.1f ms/s vs %.1f ms/s", v[x, "cpu1000-ms/s"], v[x, "cpu0-ms/s"]), "≈ 0", yes(v[x, "cpu1000-ms/s"] <= 1))
	}
	u = "BenchmarkListUsers10k"
	if (has(u, "ratio"))
		row("list 10,000 users, 100 pages × 20 ms (parallel vs sequential paging)", v[u, "par-ms"] " ms vs " v[u, "seq-ms"] " ms = " sprintf("%.2f×", v[u, "ratio"]), "≤ 0.15×", yes(v[u, "ratio"] <= 0.15))
}' "$raw"
