package core_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/keychain"
)

// watchRig is a Service over a file keychain and an index in a temp dir,
// with a movable clock, and the notifications its watch sends.
type watchRig struct {
	svc   *core.Service
	index *keychain.Index
	clock *core.TestClock
	dir   string
	yaml  string
	mu    sync.Mutex
	got   []core.TokenExpiring
}

func newWatchRig(t *testing.T, yaml string) *watchRig {
	t.Helper()
	dir := t.TempDir()
	keys, err := keychain.Open(keychain.Options{Backend: keychain.KindFile, FilePath: filepath.Join(dir, "creds.json")})
	if err != nil {
		t.Fatal(err)
	}
	index, _ := keychain.OpenIndex(filepath.Join(dir, keychain.IndexFile))
	f, err := config.Parse("config.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	r := &watchRig{index: index, clock: &core.TestClock{}, dir: dir}
	r.svc = core.New(core.Options{Config: fixedConfig{f}, Keychain: keys, Index: index, Now: func() time.Time { return r.clock.Now() }})
	return r
}

func (r *watchRig) watch() *core.ExpiryWatch {
	return r.svc.NewExpiryWatch(filepath.Join(r.dir, core.ExpiryFile), func(_ string, p any) int {
		r.mu.Lock()
		r.got = append(r.got, p.(core.TokenExpiring))
		r.mu.Unlock()
		return 1
	})
}

func (r *watchRig) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, n := range r.got {
		out = append(out, n.Account+" "+n.Threshold)
	}
	r.got = nil
	return out
}

func (r *watchRig) put(t *testing.T, account, profile string, expires time.Duration) {
	t.Helper()
	if err := r.index.Put(context.Background(), keychain.Record{Account: account, Kind: "pat", TokenID: "id-" + account, Profile: profile,
		ExpiresAt: r.clock.Now().Add(expires).UTC().Format(time.RFC3339), StoredAt: "x", Source: keychain.SourceCreated}); err != nil {
		t.Fatal(err)
	}
}

func eq(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestExpiryWatchThresholds: the profile's konnectd.expiry-warn applies,
// only the tightest crossed threshold is raised, each once, the next
// threshold is what Check returns, and a new watch on the same state file
// (a restart) raises nothing again.
func TestExpiryWatchThresholds(t *testing.T) {
	r := newWatchRig(t, "default: {}\nteam:\n  konnectd:\n    expiry-warn: [10d, 36h]\n")
	r.put(t, "token:a", "default", 5*24*time.Hour) // default 30d/7d/1d: 7d is the tightest crossed
	r.put(t, "token:b", "team", 20*24*time.Hour)   // 10d and 36h: none crossed
	// Made now with 30 days to live: "30 days left" says nothing new.
	if err := r.index.Put(context.Background(), keychain.Record{Account: "token:c", Kind: "pat", TokenID: "id-c", Profile: "default",
		CreatedAt: r.clock.Now().UTC().Format(time.RFC3339), ExpiresAt: r.clock.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339),
		StoredAt: "x", Source: keychain.SourceCreated}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	w := r.watch()
	next := w.Check(ctx)
	if got := r.take(); !eq(got, []string{"token:a 7d"}) {
		t.Fatalf("first check: %v", got)
	}
	if want := r.clock.Now().Add(4 * 24 * time.Hour); next.Sub(want).Abs() > time.Minute {
		t.Fatalf("next threshold %v, want about %v (token:a's 1d)", next, want)
	}
	w.Check(ctx)
	if got := r.take(); len(got) != 0 {
		t.Fatalf("second check raised again: %v", got)
	}
	// A restart: a new watch reads what the old one raised.
	w = r.watch()
	w.Check(ctx)
	if got := r.take(); len(got) != 0 {
		t.Fatalf("after a restart: %v", got)
	}
	r.clock.Advance(10*24*time.Hour + time.Minute)
	w.Check(ctx)
	if got := r.take(); !eq(got, []string{"token:a expired", "token:b 10d"}) { // token:c has 20 days left: nothing
		t.Fatalf("ten days on: %v", got)
	}
	r.clock.Advance(9 * 24 * time.Hour)
	w.Check(ctx)
	if got := r.take(); !eq(got, []string{"token:b 36h"}) {
		t.Fatalf("nineteen days on: %v", got)
	}
	r.clock.Advance(5 * 24 * time.Hour) // token:c: 6 days left
	w.Check(ctx)
	if got := r.take(); !eq(got, []string{"token:b expired", "token:c 7d"}) {
		t.Fatalf("twenty-four days on: %v", got)
	}
}

// TestExpiryWatchUnreached: a notification no client received is raised
// again on the next check.
func TestExpiryWatchUnreached(t *testing.T) {
	r := newWatchRig(t, "default: {}\n")
	r.put(t, "token:a", "default", 2*24*time.Hour)
	n := 0
	w := r.svc.NewExpiryWatch(filepath.Join(r.dir, core.ExpiryFile), func(string, any) int { n++; return 0 })
	w.Check(context.Background())
	w.Check(context.Background())
	if n != 2 {
		t.Fatalf("an unreached notification was sent %d times in two checks, want 2", n)
	}
}
