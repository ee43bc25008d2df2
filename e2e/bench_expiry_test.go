package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/konnectd/konnectd/keychain"
)

// cpuTicks is a process's user+system CPU time in clock ticks (1/100 s on
// Linux), from /proc/PID/stat.
func cpuTicks(b *testing.B, pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Skip("no /proc: ", err)
	}
	// Fields after the command (which may hold spaces) start after ")".
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return u + s
}

// BenchmarkExpiryWatch: the idle cost of the expiry watch with 1,000
// stored tokens (an index of 1,000 records, expiring over the next year,
// and the file keychain so no D-Bus is needed): the daemon's RSS after the
// first check, and its CPU time over 5 idle seconds, against a daemon with
// no stored token.
func BenchmarkExpiryWatch(b *testing.B) {
	for b.Loop() {
		for _, n := range []int{0, 1000} {
			dir := filepath.Dir(sockDir(b))
			cfg := filepath.Join(dir, "config.yaml")
			os.WriteFile(cfg, []byte("default:\n  konnect:\n    base-url: http://127.0.0.1:9\n"), 0o600)
			entries := map[string]keychain.Record{}
			now := time.Now().UTC()
			for i := range n {
				acct := fmt.Sprintf("token:t%04d", i)
				entries[acct] = keychain.Record{Account: acct, Kind: "pat", TokenID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), TokenName: "t",
					Profile: "default", CreatedAt: now.Format(time.RFC3339), ExpiresAt: now.Add(time.Duration(40+i%320) * 24 * time.Hour).Format(time.RFC3339),
					StoredAt: now.Format(time.RFC3339), Source: keychain.SourceCreated}
			}
			idx, _ := json.Marshal(map[string]any{"version": 1, "entries": entries})
			os.WriteFile(filepath.Join(dir, keychain.IndexFile), idx, 0o600)
			d := startDaemon(b, nil, "--config-file", cfg, "--keychain", "file", "--keychain-file", filepath.Join(dir, "creds.json"))
			pid := d.cmd.Process.Pid
			time.Sleep(time.Second) // the first check
			rss := rssMB(b, pid)
			t0 := cpuTicks(b, pid)
			time.Sleep(5 * time.Second)
			cpu := float64(cpuTicks(b, pid)-t0) * 10 / 5 // ms of CPU per second
			b.ReportMetric(rss, fmt.Sprintf("rss%d-MB", n))
			b.ReportMetric(cpu, fmt.Sprintf("cpu%d-ms/s", n))
			d.stop(b)
		}
	}
}
