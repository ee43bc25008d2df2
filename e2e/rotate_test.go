package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/konnect/emulator"
	"github.com/konnectd/konnectd/rpc"
)

const twoProfiles = "default:\n  konnect:\n    base-url: {{URL}}\nci:\n  konnect:\n    base-url: {{URL}}\n"

// meLoop calls identity/me as profile ci over one connection until stop,
// counting calls and failures.
type meLoop struct {
	calls, fails atomic.Int64
	lastErr      atomic.Value
	stop         chan struct{}
	done         sync.WaitGroup
}

func startMeLoop(t *testing.T, socket string) *meLoop {
	t.Helper()
	c, err := rpc.Dial(context.Background(), socket, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Call(context.Background(), "initialize", rpc.InitializeParams{Profile: "ci"}, nil); err != nil {
		t.Fatal(err)
	}
	l := &meLoop{stop: make(chan struct{})}
	l.done.Add(1)
	go func() {
		defer l.done.Done()
		for {
			select {
			case <-l.stop:
				return
			default:
			}
			var me json.RawMessage
			if err := c.Call(context.Background(), "identity/me", map[string]any{}, &me); err != nil {
				l.fails.Add(1)
				l.lastErr.Store(err.Error())
			}
			l.calls.Add(1)
		}
	}()
	return l
}

// atLeast waits until the loop made n more calls.
func (l *meLoop) more(t *testing.T, n int64) {
	t.Helper()
	want := l.calls.Load() + n
	deadline := time.Now().Add(30 * time.Second)
	for l.calls.Load() < want {
		if time.Now().After(deadline) {
			t.Fatalf("the identity/me loop stalled at %d calls", l.calls.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (l *meLoop) end(t *testing.T) {
	t.Helper()
	close(l.stop)
	l.done.Wait()
	if n := l.fails.Load(); n != 0 {
		t.Fatalf("identity/me failed %d times of %d during the rotation; last: %v", n, l.calls.Load(), l.lastErr.Load())
	}
}

// patStates is token id → state of the owner's PATs.
func patStates(t *testing.T, w *world) map[string]string {
	t.Helper()
	var list core.TokenList
	if err := w.call("token/list", map[string]any{"kind": "pat", "userId": emulator.CharlieCruzID}, &list); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, ti := range list.Data {
		out[ti.ID] = ti.State
	}
	return out
}

// waitState polls until token id has state.
func waitState(t *testing.T, w *world, id, state string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := patStates(t, w)[id]
		if got == state {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("token %s is %q, want %q\n%s", id, got, state, w.d.logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRotateWithOverlap: rotating a profile's credential while a client
// calls identity/me in a loop costs that client no error; the old token
// keeps working for the overlap and is revoked after it, by the daemon;
// a pending revocation survives 'konnectd stop' and a restart.
func TestRotateWithOverlap(t *testing.T) {
	w := newWorld(t, worldOptions{configYAML: twoProfiles, daemonArgs: []string{"--test-clock"}})
	cleanLogs(t, w)
	w.login("default")
	r := w.cli("", nil, "create", "pat", "--name", "ci-cred", "--expires-in", "30d", "--store-as-profile", "ci", "-o", "json")
	var first core.TokenCreated
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &first) != nil {
		t.Fatalf("create: %s", r)
	}
	oldSecret, _ := w.keys.SecretToolLookup(t, "konnectd", "ci")

	loop := startMeLoop(t, w.d.socket)
	loop.more(t, 10)
	r = w.cli("", nil, "rotate", "-p", "ci")
	if r.code != 0 || !strings.Contains(r.stdout, "Created pat \"ci-cred\"") || !strings.Contains(r.stdout, "The old pat \"ci-cred\" ("+first.ID+") keeps working until") {
		t.Fatalf("rotate: %s", r)
	}
	clean(t, r.stdout, r.stderr)
	loop.more(t, 20)
	newSecret, _ := w.keys.SecretToolLookup(t, "konnectd", "ci")
	if newSecret == oldSecret || !patRE.MatchString(newSecret) {
		t.Fatal("the profile's entry does not hold a new token")
	}
	var stored core.StoredList
	if err := w.call("keychain/list", map[string]any{}, &stored); err != nil {
		t.Fatal(err)
	}
	second := find(stored.Data, "ci")
	if second == nil || second.TokenID == first.ID || second.TokenName != "ci-cred" || second.ExpiresAt == "" {
		t.Fatalf("the entry's record: %+v", second)
	}
	if life := lifetime(t, second.CreatedAt, second.ExpiresAt); life != 30*24*time.Hour {
		t.Fatalf("successor's lifetime %v, want the old one's 30 days", life)
	}
	if st := patStates(t, w); st[first.ID] != "ACTIVE" || st[second.TokenID] != "ACTIVE" {
		t.Fatalf("during the overlap: %v", st)
	}
	// The overlap ends: the daemon revokes the old token.
	w.advance(t, w.d, 16*time.Minute)
	waitState(t, w, first.ID, "REVOKED")
	loop.more(t, 20)
	// Past Konnect's grace the old secret is dead; the loop never noticed.
	w.advance(t, w.d, 16*time.Minute)
	loop.more(t, 20)
	loop.end(t)

	// Again, and the daemon stops before the overlap ends.
	r = w.cli("", nil, "rotate", "-p", "ci", "--overlap", "15m", "-o", "json")
	var rr core.RotateResult
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rr) != nil || rr.OldAction != "revoke scheduled" || rr.Old.ID != second.TokenID || rr.RetireAt == "" {
		t.Fatalf("second rotate: %s", r)
	}
	pendingFile := filepath.Join(filepath.Dir(w.config), core.PendingFile)
	if fi, err := os.Stat(pendingFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("pending file: %v %v", fi, err)
	}
	if r := w.cli("", nil, "stop"); r.code != 0 {
		t.Fatalf("stop: %s", r)
	}
	w.d.exitedClean(t, "after konnectd stop")
	if b, _ := os.ReadFile(pendingFile); !strings.Contains(string(b), second.TokenID) {
		t.Fatalf("the pending revocation is not on disk: %s", b)
	}
	w.d = startDaemonAt(t, w.d.socket, w.env, "--config-file", w.config, "--test-clock")
	if st := patStates(t, w); st[second.TokenID] != "ACTIVE" {
		t.Fatalf("revoked before the overlap ended: %v", st)
	}
	// The new daemon's test clock starts from the wall clock again, 32
	// minutes behind the old one's: the due time is about 47 minutes away.
	w.advance(t, w.d, 40*time.Minute)
	if st := patStates(t, w); st[second.TokenID] != "ACTIVE" {
		t.Fatalf("revoked before the overlap ended: %v", st)
	}
	w.advance(t, w.d, 10*time.Minute)
	waitState(t, w, second.TokenID, "REVOKED")
	var pending []core.PendingRevocation
	if err := w.call("token/pending", map[string]any{}, &pending); err != nil || len(pending) != 0 {
		t.Fatalf("still pending: %+v %v", pending, err)
	}
	custody(t, w, nil)
}

func lifetime(t *testing.T, created, expires string) time.Duration {
	t.Helper()
	a, err1 := time.Parse(time.RFC3339, created)
	b, err2 := time.Parse(time.RFC3339, expires)
	if err1 != nil || err2 != nil {
		t.Fatalf("times %q %q", created, expires)
	}
	return b.Sub(a).Round(time.Minute)
}

// TestPendingRevocationRetries: a retirement that fails (the profile's
// credential is gone when it is due) stays pending with the error and a
// backoff, and succeeds on a later try once a credential is back.
func TestPendingRevocationRetries(t *testing.T) {
	w := newWorld(t, worldOptions{configYAML: twoProfiles, daemonArgs: []string{"--test-clock"}})
	cleanLogs(t, w)
	w.login("default")
	r := w.cli("", nil, "create", "pat", "--name", "ci-cred", "--expires-in", "30d", "--store-as-profile", "ci", "-o", "json")
	var first core.TokenCreated
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &first) != nil {
		t.Fatalf("create: %s", r)
	}
	if r := w.cli("", nil, "rotate", "-p", "ci", "--overlap", "1m"); r.code != 0 {
		t.Fatalf("rotate: %s", r)
	}
	if r := w.cli("", nil, "logout", "-p", "ci"); r.code != 0 {
		t.Fatalf("logout: %s", r)
	}
	w.advance(t, w.d, 2*time.Minute)
	var pending []core.PendingRevocation
	deadline := time.Now().Add(30 * time.Second)
	for {
		if err := w.call("token/pending", map[string]any{}, &pending); err != nil {
			t.Fatal(err)
		}
		if len(pending) == 1 && pending[0].Attempts >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no failed attempt recorded: %+v", pending)
		}
		time.Sleep(20 * time.Millisecond)
	}
	p := pending[0]
	if p.ID != first.ID || p.LastError == "" || p.NextTry == "" || patStates(t, w)[first.ID] != "ACTIVE" {
		t.Fatalf("after a failed try: %+v", p)
	}
	// A credential for the profile again; the next try after the backoff
	// revokes it.
	var res json.RawMessage
	if err := w.call("auth/login", map[string]string{"profile": "ci", "token": w.emu.AdminToken()}, &res); err != nil {
		t.Fatal(err)
	}
	w.advance(t, w.d, 31*time.Second)
	waitState(t, w, first.ID, "REVOKED")
	if err := w.call("token/pending", map[string]any{}, &pending); err != nil || len(pending) != 0 {
		t.Fatalf("still pending: %+v %v", pending, err)
	}
}

// TestRotateScheduleFailure: when the pending revocation cannot be
// written, the rotation says so: the new token works and is stored, the
// old one is still active, and the command to retire it is named.
func TestRotateScheduleFailure(t *testing.T) {
	w := newWorld(t, worldOptions{configYAML: twoProfiles})
	cleanLogs(t, w)
	w.login("default")
	r := w.cli("", nil, "create", "pat", "--name", "ci-cred", "--expires-in", "30d", "--store-as-profile", "ci", "-o", "json")
	var first core.TokenCreated
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &first) != nil {
		t.Fatalf("create: %s", r)
	}
	// A directory where the schedule's file should be: it cannot be read
	// or replaced.
	if err := os.Mkdir(filepath.Join(filepath.Dir(w.config), core.PendingFile), 0o700); err != nil {
		t.Fatal(err)
	}
	r = w.cli("", nil, "rotate", "-p", "ci")
	if r.code != 1 || !strings.Contains(r.stderr, "schedule retirement failed") || !strings.Contains(r.stderr, "is stored in the system keychain as ci") ||
		!strings.Contains(r.stderr, "The old pat \"ci-cred\" ("+first.ID+") is still active and nothing will retire it: retire it with 'konnectd delete pat "+first.ID+"'") {
		t.Fatalf("rotate with an unwritable schedule: %s", r)
	}
	clean(t, r.stdout, r.stderr)
	var stored core.StoredList
	if err := w.call("keychain/list", map[string]any{}, &stored); err != nil {
		t.Fatal(err)
	}
	e := find(stored.Data, "ci")
	if e == nil || e.TokenID == first.ID {
		t.Fatalf("the profile's entry after the failure: %+v", e)
	}
	if st := patStates(t, w); st[first.ID] != "ACTIVE" || st[e.TokenID] != "ACTIVE" {
		t.Fatalf("states: %v", st)
	}
	var me json.RawMessage
	if err := w.call("identity/me", map[string]any{"profile": "ci"}, &me); err != nil {
		t.Fatalf("the profile's credential does not work: %v", err)
	}
}
