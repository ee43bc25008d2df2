package e2e

import (
	"strings"
	"testing"

	"github.com/konnectd/konnectd/core"
)

// TestPATQuota: status shows PATs: n/10 and, at 9, what to delete; the
// MCP face refuses an 11th before the POST; konnectd create pat keeps
// kongctl's two requests and kongctl's error at the limit.
func TestPATQuota(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	w.login("default")
	s := w.cli("", nil, "status")
	if s.code != 0 || !strings.Contains(s.stdout, "PATs:") || !strings.Contains(s.stdout, "1/10") {
		t.Fatalf("status: %s", s)
	}
	for _, n := range []string{"q-1", "q-2", "q-3", "q-4", "q-5", "q-6", "q-7", "q-8"} {
		if r := w.cli("", nil, "create", "pat", "--name", n, "--expires-in", "30d", "--store", n); r.code != 0 {
			t.Fatalf("create %s: %s", n, r)
		}
	}
	s = w.cli("", nil, "status")
	if s.code != 0 || !strings.Contains(s.stdout, "9/10") || !strings.Contains(s.stdout, "holds 9 of the 10 personal access tokens") ||
		!strings.Contains(s.stdout, "least recently used: \"q-") || !strings.Contains(s.stdout, "delete one with 'konnectd delete pat ") {
		t.Fatalf("status at 9: %s", s)
	}
	var q core.PATQuota
	if err := w.call("token/quota", map[string]any{}, &q); err != nil || q.Held != 9 || q.Max != 10 || len(q.LeastRecentlyUsed) != 3 || !strings.Contains(q.Advice, "token/delete") {
		t.Fatalf("token/quota: %+v %v", q, err)
	}
	if r := w.cli("", nil, "create", "pat", "--name", "q-9", "--expires-in", "30d", "--store", "q-9"); r.code != 0 {
		t.Fatalf("create the 10th: %s", r)
	}
	// MCP: refused before the POST, with what to delete.
	a := startAgent(t, w, "", "--allow-write")
	before := w.emu.Requests()["create-personal-access-token"]
	msg := a.fails("create_pat", map[string]any{"name": "q-10", "expires_in": "30d"})
	if !strings.Contains(msg, "holds 10 of the 10") || !strings.Contains(msg, "delete_token") || !strings.Contains(msg, "nothing was created") {
		t.Fatalf("mcp at the limit: %s", msg)
	}
	if n := w.emu.Requests()["create-personal-access-token"] - before; n != 0 {
		t.Fatalf("mcp's refused create reached Konnect %d times", n)
	}
	// The CLI: kongctl's requests (users/me, the POST) and kongctl's error.
	reqs := w.emu.Requests()
	r := w.cli("", nil, "create", "pat", "--name", "ci", "--expires-in", "30d")
	after := w.emu.Requests()
	if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, "Error: Failed to create personal access token\n") || strings.Contains(r.stderr, "holds 10") {
		t.Fatalf("cli 11th: %s", r)
	}
	total := 0
	for op, n := range after {
		total += n - reqs[op]
	}
	if total != 2 || after["get-users-me"]-reqs["get-users-me"] != 1 || after["create-personal-access-token"]-reqs["create-personal-access-token"] != 1 {
		t.Fatalf("cli 11th made %d requests: %v → %v", total, reqs, after)
	}
}
