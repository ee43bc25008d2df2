package e2e

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/rpc"
)

// TestAutoRotation: with konnectd.rotate-before: 14d the daemon rotates a
// profile's credential by itself when 14 days are left, tells every
// client (token/rotated), audits it as its own act, and a client calling
// identity/me in a loop meanwhile sees no error.
func TestAutoRotation(t *testing.T) {
	yaml := twoProfiles + "  konnectd:\n    rotate-before: 14d\n"
	w := newWorld(t, worldOptions{configYAML: yaml, daemonArgs: []string{"--test-clock"}})
	cleanLogs(t, w)
	w.login("default")
	rotated := make(chan core.TokenRotated, 4)
	c, err := rpc.Dial(context.Background(), w.d.socket, func(method string, p json.RawMessage) {
		var n core.TokenRotated
		if method == core.RotatedMethod && json.Unmarshal(p, &n) == nil {
			rotated <- n
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Call(context.Background(), "initialize", rpc.InitializeParams{}, nil); err != nil {
		t.Fatal(err)
	}
	r := w.cli("", nil, "create", "pat", "--name", "ci-cred", "--expires-in", "15d", "--store-as-profile", "ci", "-o", "json")
	var first core.TokenCreated
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &first) != nil {
		t.Fatalf("create: %s", r)
	}
	loop := startMeLoop(t, w.d.socket)
	loop.more(t, 10)
	select {
	case n := <-rotated:
		t.Fatalf("rotated with 15 days left: %+v", n)
	default:
	}
	w.advance(t, w.d, 24*time.Hour+time.Minute)
	var n core.TokenRotated
	select {
	case n = <-rotated:
	case <-time.After(30 * time.Second):
		t.Fatalf("no token/rotated\n%s", w.d.logs())
	}
	if n.Error != "" || n.Account != "ci" || n.OldID != first.ID || n.NewID == "" || n.RetireAt == "" {
		t.Fatalf("token/rotated: %+v", n)
	}
	loop.more(t, 20)
	w.advance(t, w.d, 16*time.Minute)
	waitState(t, w, first.ID, "REVOKED")
	w.advance(t, w.d, 16*time.Minute) // past Konnect's grace for the old secret
	loop.more(t, 20)
	loop.end(t)
	var stored core.StoredList
	if err := w.call("keychain/list", map[string]any{}, &stored); err != nil {
		t.Fatal(err)
	}
	if e := find(stored.Data, "ci"); e == nil || e.TokenID != n.NewID || lifetime(t, e.CreatedAt, e.ExpiresAt) != 15*24*time.Hour {
		t.Fatalf("the profile's record after auto-rotation: %+v", e)
	}
	var rot *core.AuditEvent
	for _, ev := range auditEvents(t, w) {
		if ev.Event == "rotate" && ev.TokenID == n.NewID {
			rot = &ev
		}
	}
	if rot == nil || rot.Peer.PID != w.d.cmd.Process.Pid {
		t.Fatalf("audit of the auto-rotation: %+v (daemon pid %d)", rot, w.d.cmd.Process.Pid)
	}
	// Only once: nothing more is due for the successor.
	w.advance(t, w.d, time.Hour)
	select {
	case n := <-rotated:
		t.Fatalf("rotated again: %+v", n)
	case <-time.After(300 * time.Millisecond):
	}
}
