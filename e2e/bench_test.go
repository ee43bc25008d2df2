package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/konnectd/konnectd/internal/benchdata"
	"github.com/konnectd/konnectd/rpc"
)

// These benchmarks measure the daemon as clients see it: the built binary,
// its real socket, real client connections. Timings are reported, never
// asserted; docs/benchmarks.md records a run.

func percentile(d []time.Duration, p float64) time.Duration {
	slices.Sort(d)
	return d[int(float64(len(d)-1)*p)]
}

// BenchmarkSocketRoundTrip: one client, a trivial method, back to back.
func BenchmarkSocketRoundTrip(b *testing.B) {
	d := startDaemon(b, nil)
	c := d.dial(b)
	ctx := context.Background()
	for range 100 { // warm up the connection and the daemon
		c.Call(ctx, "daemon/status", nil, nil)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if err := c.Call(ctx, "daemon/status", nil, nil); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds()), "p50-µs")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds()), "p99-µs")
}

// BenchmarkSocketRoundTripRaw is BenchmarkSocketRoundTrip with the
// smallest client there is: NDJSON written to the socket and the reply
// line read back, as socat or a few lines of any language would do. The
// difference between the two is konnectd's own Go client (jsonrpc2 reads
// on a goroutine of its own and hands each reply over), not the daemon.
func BenchmarkSocketRoundTripRaw(b *testing.B) {
	d := startDaemon(b, nil)
	conn, r := d.dialRaw(b)
	conn.SetDeadline(time.Time{}) // a benchmark may run long
	id := 0
	call := func() {
		id++
		msg := `{"jsonrpc":"2.0","id":` + strconv.Itoa(id) + `,"method":"daemon/status"}` + "\n"
		if _, err := conn.Write([]byte(msg)); err != nil {
			b.Fatal(err)
		}
		line, err := r.ReadBytes('\n')
		if err != nil {
			b.Fatal(err)
		}
		if !bytes.Contains(line, []byte(`"result"`)) {
			b.Fatalf("daemon/status: %s", line)
		}
	}
	for range 100 {
		call()
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		call()
		lat = append(lat, time.Since(t0))
	}
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds()), "p50-µs")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds()), "p99-µs")
}

// BenchmarkLoad: 100 concurrent clients × 1,000 requests each; every
// error counts.
func BenchmarkLoad(b *testing.B) {
	const clients, requests = 100, 1000
	d := startDaemon(b, nil)
	for b.Loop() {
		var wg sync.WaitGroup
		var mu sync.Mutex
		errs := 0
		t0 := time.Now()
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := rpc.Dial(context.Background(), d.socket, nil)
				if err != nil {
					mu.Lock()
					errs += requests
					mu.Unlock()
					return
				}
				defer c.Close()
				for range requests {
					if err := c.Call(context.Background(), "daemon/status", nil, nil); err != nil {
						mu.Lock()
						errs++
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		b.ReportMetric(float64(clients*requests)/time.Since(t0).Seconds(), "req/s")
		b.ReportMetric(float64(errs), "errors")
		// Zero errors is a requirement, not a timing: a failed request
		// fails the benchmark, and so make bench.
		if errs > 0 {
			b.Errorf("%d of %d requests failed", errs, clients*requests)
		}
	}
}

// jqDoc writes the shared 1 MiB benchmark document.
func jqDoc(b *testing.B) (string, []byte) {
	doc := benchdata.Users(1 << 20)
	path := filepath.Join(b.TempDir(), "users.json")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		b.Fatal(err)
	}
	return path, doc
}

// BenchmarkJQDaemon: jq/eval over the socket on a 1 MiB document, warm
// (the expression is compiled once and cached). Includes sending the
// document and decoding it, as a client pays.
func BenchmarkJQDaemon(b *testing.B) {
	_, doc := jqDoc(b)
	d := startDaemon(b, nil)
	c := d.dial(b)
	params, _ := json.Marshal(map[string]any{"expression": benchdata.Expression, "input": json.RawMessage(doc)})
	raw := json.RawMessage(params)
	var out json.RawMessage
	if err := c.Call(context.Background(), "jq/eval", &raw, &out); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if err := c.Call(context.Background(), "jq/eval", &raw, &out); err != nil {
			b.Fatal(err)
		}
	}
	// The daemon's memory after the calls: the price of its GC setting
	// (see setGCPercent in cmd/konnectd) shows here, not in BenchmarkRSS.
	b.ReportMetric(rssMB(b, d.cmd.Process.Pid), "daemon-MB")
}

// BenchmarkJQBinary: the jq binary on the same document and expression,
// one process per call, as a script would run it.
func BenchmarkJQBinary(b *testing.B) {
	jqPath, err := exec.LookPath("jq")
	if err != nil {
		b.Skip("jq binary not installed (.ci/run installs it)")
	}
	path, doc := jqDoc(b)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if out, err := exec.Command(jqPath, "-c", benchdata.Expression, path).Output(); err != nil || len(out) == 0 {
			b.Fatal(err)
		}
	}
}

// rssMB reads a process's resident set size.
func rssMB(b *testing.B, pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Skip("no /proc: ", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	b.Fatal("no VmRSS")
	return 0
}

// BenchmarkRSS: the daemon's memory idle, then with 100 clients connected
// (each having made one call).
func BenchmarkRSS(b *testing.B) {
	for b.Loop() {
		d := startDaemon(b, nil)
		pid := d.cmd.Process.Pid
		time.Sleep(500 * time.Millisecond)
		idle := rssMB(b, pid)
		var clients []*rpc.Client
		for range 100 {
			c := d.dial(b)
			if err := c.Call(context.Background(), "daemon/status", nil, nil); err != nil {
				b.Fatal(err)
			}
			clients = append(clients, c)
		}
		time.Sleep(200 * time.Millisecond)
		busy := rssMB(b, pid)
		for _, c := range clients {
			c.Close()
		}
		b.ReportMetric(idle, "idle-MB")
		b.ReportMetric(busy, "100clients-MB")
	}
}
