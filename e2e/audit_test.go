package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/rpc"
)

// auditEvents reads the audit log file itself.
func auditEvents(t *testing.T, w *world) []core.AuditEvent {
	t.Helper()
	path := filepath.Join(filepath.Dir(w.config), core.AuditFile)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("audit log %s: %v %v", path, fi, err)
	}
	b, _ := os.ReadFile(path)
	if redact.Contains(string(b)) || strings.Contains(string(b), w.emu.AdminToken()) {
		t.Fatalf("the audit log holds a secret:\n%s", redact.String(string(b)))
	}
	var out []core.AuditEvent
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		var ev core.AuditEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, ev)
	}
	return out
}

// TestAuditLog: one line per hand-out, with the peer's pid and
// executable, and one per creation, rotation, revocation and deletion; no
// secret in the file; konnectd audit reads it.
func TestAuditLog(t *testing.T) {
	w := newWorld(t, worldOptions{configYAML: twoProfiles})
	cleanLogs(t, w)
	w.login("default")
	r := w.cli("", nil, "create", "pat", "--name", "audited", "--expires-in", "30d", "--store-as-profile", "ci", "-o", "json")
	var created core.TokenCreated
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &created) != nil {
		t.Fatalf("create: %s", r)
	}
	// Two hand-outs to this very process, one to konnectd env.
	c, err := rpc.Dial(context.Background(), w.d.socket, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Call(context.Background(), "initialize", rpc.InitializeParams{ClientInfo: &rpc.ClientInfo{Name: "audit-test"}}, nil); err != nil {
		t.Fatal(err)
	}
	var g core.Grant
	if err := c.Call(context.Background(), "auth/credential", map[string]string{"profile": "ci"}, &g); err != nil {
		t.Fatal(err)
	}
	var sec core.StoredSecret
	if err := c.Call(context.Background(), "keychain/secret", map[string]string{"account": "ci"}, &sec); err != nil {
		t.Fatal(err)
	}
	if e := w.cli("", nil, "env", "-p", "ci"); e.code != 0 {
		t.Fatalf("env: %s", e)
	}
	if r := w.cli("", nil, "rotate", "-p", "ci", "--overlap", "0"); r.code != 0 {
		t.Fatalf("rotate: %s", r)
	}
	if r := w.cli("", nil, "delete", "pat", created.ID, "--auto-approve"); r.code != 0 {
		t.Fatalf("delete: %s", r)
	}

	self, _ := os.Executable()
	var handOuts, mine []core.AuditEvent
	count := map[string]int{}
	for _, ev := range auditEvents(t, w) {
		count[ev.Event]++
		if ev.Event != "hand-out" {
			continue
		}
		handOuts = append(handOuts, ev)
		if ev.Peer.PID == os.Getpid() {
			mine = append(mine, ev)
		}
	}
	if len(handOuts) != 3 || len(mine) != 2 {
		t.Fatalf("hand-outs %+v, to this process %d, want 3 and 2", handOuts, len(mine))
	}
	for _, ev := range mine {
		if ev.Peer.Exe != self || ev.Peer.UID != os.Getuid() || ev.Peer.Client != "audit-test" || ev.Profile != "ci" || ev.TokenID != created.ID {
			t.Errorf("hand-out to this process: %+v", ev)
		}
	}
	if env := handOuts[2]; env.What != "auth/credential" || env.Peer.Exe != bin || env.Peer.PID == os.Getpid() || env.Peer.PID <= 0 {
		t.Errorf("konnectd env's hand-out: %+v", env)
	}
	// login stores (no create); create, rotate (a create and a rotate),
	// the old token's revocation, the delete.
	if count["create"] != 2 || count["rotate"] != 1 || count["revoke"] != 1 || count["delete"] != 1 {
		t.Errorf("event counts %v", count)
	}

	a := w.cli("", nil, "audit", "-o", "json")
	if a.code != 0 || strings.Count(a.stdout, "\n") != len(auditEvents(t, w)) || !strings.Contains(a.stdout, `"event":"hand-out"`) {
		t.Fatalf("konnectd audit -o json: %s", a)
	}
	a = w.cli("", nil, "audit", "--since", "2099-01-01T00:00:00Z")
	if a.code != 0 || strings.Count(a.stdout, "\n") != 1 || !strings.HasPrefix(a.stdout, "TIME") {
		t.Fatalf("konnectd audit --since the future: %s", a)
	}
	a = w.cli("", nil, "audit", "--since", "1h")
	if a.code != 0 || !strings.Contains(a.stdout, "keychain/secret") {
		t.Fatalf("konnectd audit --since 1h: %s", a)
	}
	clean(t, a.stdout)
}
