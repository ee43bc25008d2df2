package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/rpc"
)

// BenchmarkSaveToNotification: the time from an editor-style save of the
// kongctl config file (write a temporary file, rename it over the old one)
// to the profile/didChange notification at a client connected to the real
// daemon over its socket. Each iteration is one save and waits for its own
// notification; the goal is p50 ≤ 200 ms with the 100 ms debounce.
func BenchmarkSaveToNotification(b *testing.B) {
	dir := filepath.Dir(sockDir(b))
	config := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(config, []byte("start: {}\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	d := startDaemon(b, nil, "--config-file", config)
	got := make(chan []string, 64)
	c, err := rpc.Dial(context.Background(), d.socket, func(method string, params json.RawMessage) {
		if method != "profile/didChange" {
			return
		}
		var l core.ProfileList
		if json.Unmarshal(params, &l) == nil {
			got <- l.Profiles
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.Call(context.Background(), "initialize", rpc.InitializeParams{}, nil); err != nil {
		b.Fatal(err)
	}
	save := func(i int) {
		tmp := config + ".tmp"
		if err := os.WriteFile(tmp, fmt.Appendf(nil, "p%d:\n  output: json\n", i), 0o600); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, config); err != nil {
			b.Fatal(err)
		}
	}
	wait := func(i int) {
		want := fmt.Sprintf("p%d", i)
		deadline := time.After(30 * time.Second)
		for {
			select {
			case ps := <-got:
				if slices.Contains(ps, want) {
					return
				}
			case <-deadline:
				b.Fatalf("no profile/didChange naming %s within 30 s", want)
			}
		}
	}
	save(-1) // warm up: the first change primes the watcher and the connection
	wait(-1)
	lat := make([]time.Duration, 0, b.N)
	i := 0
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		save(i)
		wait(i)
		lat = append(lat, time.Since(t0))
		i++
	}
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
}
