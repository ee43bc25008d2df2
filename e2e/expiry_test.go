package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/rpc"
)

// listener is a connected client that records token/expiring.
type listener struct {
	mu   sync.Mutex
	got  []core.TokenExpiring
	c    *rpc.Client
	seen chan struct{}
}

func listenExpiry(t *testing.T, socket string) *listener {
	t.Helper()
	l := &listener{seen: make(chan struct{}, 64)}
	c, err := rpc.Dial(context.Background(), socket, func(method string, p json.RawMessage) {
		if method != core.ExpiryMethod {
			return
		}
		var n core.TokenExpiring
		if json.Unmarshal(p, &n) == nil {
			l.mu.Lock()
			l.got = append(l.got, n)
			l.mu.Unlock()
			l.seen <- struct{}{}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Call(context.Background(), "initialize", rpc.InitializeParams{}, nil); err != nil {
		t.Fatal(err)
	}
	l.c = c
	return l
}

// next waits for the next notification about account (others, such as
// the login's, are skipped) and fails after a deadline.
func (l *listener) next(t *testing.T, account string) core.TokenExpiring {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		l.mu.Lock()
		for i, n := range l.got {
			if n.Account == account {
				l.got = append(l.got[:i:i], l.got[i+1:]...)
				l.mu.Unlock()
				return n
			}
		}
		l.mu.Unlock()
		select {
		case <-l.seen:
		case <-deadline:
			t.Fatalf("no token/expiring for %s", account)
		}
	}
}

// none fails if a notification about account arrives (after the daemon
// answered a round trip, so anything raised before it is in).
func (l *listener) none(t *testing.T, account string) {
	t.Helper()
	if err := l.c.Call(context.Background(), "daemon/status", nil, nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // notifications are sent asynchronously to the call; this only lets a wrong one show
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, n := range l.got {
		if n.Account == account {
			t.Fatalf("unexpected token/expiring: %+v", n)
		}
	}
}

// advance moves both clocks, the emulator's and the daemon's, by d.
func (w *world) advance(t *testing.T, d *daemon, by time.Duration) {
	t.Helper()
	w.emu.Advance(by)
	c := d.dial(t)
	if err := c.Call(context.Background(), "test/clock", map[string]string{"advance": by.String()}, nil); err != nil {
		t.Fatal(err)
	}
}

// TestExpiryWatchRaisesEachOnce: a PAT stored with 8 days to live raises
// nothing at once (30d is beyond its lifetime), then 7d, 1d and expired as
// the clock passes each, once each, also across a daemon restart; get
// stored and status show days left; a login's expiry is learnt from the
// token list.
func TestExpiryWatchRaisesEachOnce(t *testing.T) {
	w := newWorld(t, worldOptions{daemonArgs: []string{"--test-clock"}})
	cleanLogs(t, w)
	l := listenExpiry(t, w.d.socket)
	w.login("default")
	r := w.cli("", nil, "create", "pat", "--name", "soon", "--expires-in", "8d", "--store", "soon")
	if r.code != 0 {
		t.Fatalf("create: %s", r)
	}
	l.none(t, "token:soon")
	w.advance(t, w.d, 24*time.Hour+time.Minute)
	n := l.next(t, "token:soon")
	if n.Threshold != "7d" || n.DaysLeft != 6 || n.Expired || !strings.Contains(n.Message, "konnectd rotate soon") {
		t.Fatalf("first notification: %+v", n)
	}
	// The login's token: matched by last use, its expiry known.
	var stored core.StoredList
	deadline := time.Now().Add(20 * time.Second)
	for {
		if err := w.call("keychain/list", map[string]any{}, &stored); err != nil {
			t.Fatal(err)
		}
		if e := find(stored.Data, "default"); e != nil && e.TokenID != "" {
			if e.IDFrom != "last-used" || e.TokenName != "emulator admin" || e.DaysLeft == nil || *e.DaysLeft < 363 {
				t.Fatalf("login entry: %+v", e)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the login's token was not matched: %+v", stored.Data)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if g := w.cli("", nil, "get", "stored"); g.code != 0 || !strings.Contains(g.stdout, "DAYS LEFT") || !strings.Contains(g.stdout, " 6 ") {
		t.Fatalf("get stored: %s", g)
	}
	if s := w.cli("", nil, "status"); s.code != 0 || !strings.Contains(s.stdout, "days left)") {
		t.Fatalf("status: %s", s)
	}

	// A restart raises nothing again.
	w.d.stop(t)
	w.d = startDaemonAt(t, w.d.socket, w.env, "--config-file", w.config, "--test-clock")
	l = listenExpiry(t, w.d.socket)
	// The new daemon's test clock starts from the wall clock: catch it up
	// with the old one's (a day and a minute ahead), and a little more.
	if err := l.c.Call(context.Background(), "test/clock", map[string]string{"advance": (25*time.Hour + time.Minute).String()}, nil); err != nil {
		t.Fatal(err)
	}
	l.none(t, "token:soon")

	for _, step := range []struct {
		by        time.Duration
		threshold string
		days      int
	}{{6 * 24 * time.Hour, "1d", 0}, {24 * time.Hour, "expired", -1}} {
		w.advance(t, w.d, step.by)
		n := l.next(t, "token:soon")
		if n.Threshold != step.threshold || n.DaysLeft != step.days || n.Expired != (step.threshold == "expired") {
			t.Fatalf("after %v: %+v", step.by, n)
		}
		l.none(t, "token:soon")
	}
	if s := w.cli("", nil, "get", "stored", "-o", "json"); !strings.Contains(s.stdout, `"daysLeft": -1`) {
		t.Fatalf("get stored -o json after expiry: %s", s)
	}
}

func find(es []core.StoredEntry, name string) *core.StoredEntry {
	for i := range es {
		if es[i].Name == name {
			return &es[i]
		}
	}
	return nil
}

var _ = fmt.Sprint
