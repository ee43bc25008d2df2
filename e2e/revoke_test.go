package e2e

import (
	"strings"
	"testing"
)

// TestLogoutRevokeAndRevokeAll: logout --revoke revokes the profile's
// token before forgetting it, and refuses (removing nothing) when its id
// is unknown; revoke-all --created-by-konnectd asks, then revokes what
// konnectd minted and forgets it, and leaves a login's token alone.
func TestLogoutRevokeAndRevokeAll(t *testing.T) {
	w := newWorld(t, worldOptions{configYAML: twoProfiles})
	cleanLogs(t, w)
	w.login("default")
	if h := w.cli("", nil, "logout", "--help"); !strings.Contains(h.stdout, "--revoke") {
		t.Fatalf("logout --help: %s", h)
	}
	ids := map[string]string{}
	for _, n := range []string{"kept-a", "kept-b"} {
		r := w.cli("", nil, "create", "pat", "--name", n, "--expires-in", "30d", "--store", n, "-o", "json", "--jq", ".id", "-r")
		if r.code != 0 {
			t.Fatalf("create %s: %s", n, r)
		}
		ids[n] = strings.TrimSpace(r.stdout)
	}
	r := w.cli("", nil, "create", "pat", "--name", "ci-cred", "--expires-in", "30d", "--store-as-profile", "ci", "-o", "json", "--jq", ".id", "-r")
	if r.code != 0 {
		t.Fatalf("create ci: %s", r)
	}
	ciID := strings.TrimSpace(r.stdout)

	r = w.cli("", nil, "logout", "-p", "ci", "--revoke")
	if r.code != 0 || r.stdout != "Revoked pat \"ci-cred\" ("+ciID+") in Konnect\nRemoved stored Konnect credentials for profile \"ci\"\n" {
		t.Fatalf("logout --revoke: %s", r)
	}
	if st := patStates(t, w); st[ciID] != "REVOKED" {
		t.Fatalf("after logout --revoke: %v", st)
	}
	if _, ok := w.keys.SecretToolLookup(t, "konnectd", "ci"); ok {
		t.Fatal("the profile's entry is still there")
	}

	// A SPAT given to login: konnectd cannot tell its id.
	r = w.cli("", nil, "create", "spat", "--name", "sp", "--system-account-name", "ci-deployer", "--expires-in", "30d", "-o", "token")
	if r.code != 0 {
		t.Fatalf("create spat: %s", r)
	}
	if l := w.cli(strings.TrimSpace(r.stdout), nil, "login", "-p", "ci"); l.code != 0 {
		t.Fatalf("login spat: %s", l)
	}
	r = w.cli("", nil, "logout", "-p", "ci", "--revoke")
	if r.code == 0 || !strings.Contains(r.stderr, "does not know its Konnect id") || !strings.Contains(r.stderr, "nothing was removed") {
		t.Fatalf("logout --revoke of an unknown id: %s", r)
	}
	if _, ok := w.keys.SecretToolLookup(t, "konnectd", "ci"); !ok {
		t.Fatal("a refused logout --revoke removed the entry")
	}

	if r := w.cli("", nil, "revoke-all"); r.code != 2 || !strings.Contains(r.stderr, "--created-by-konnectd is required") {
		t.Fatalf("revoke-all without the flag: %s", r)
	}
	r = w.cli("no\n", nil, "revoke-all", "--created-by-konnectd")
	if r.code != 1 || !strings.Contains(r.stderr, "These 2 tokens will be revoked") || !strings.Contains(r.stderr, "Nothing was revoked") {
		t.Fatalf("revoke-all, not confirmed: %s", r)
	}
	if st := patStates(t, w); st[ids["kept-a"]] != "ACTIVE" || st[ids["kept-b"]] != "ACTIVE" {
		t.Fatalf("revoked without confirmation: %v", st)
	}
	r = w.cli("", nil, "revoke-all", "--created-by-konnectd", "--auto-approve")
	if r.code != 0 || strings.Count(r.stdout, "Revoked pat") != 2 {
		t.Fatalf("revoke-all: %s", r)
	}
	st := patStates(t, w)
	if st[ids["kept-a"]] != "REVOKED" || st[ids["kept-b"]] != "REVOKED" {
		t.Fatalf("after revoke-all: %v", st)
	}
	if _, ok := w.keys.SecretToolLookup(t, "konnectd", "token:kept-a"); ok {
		t.Fatal("a revoked token's entry was kept")
	}
	if s := w.cli("", nil, "status"); s.code != 0 {
		t.Fatalf("the login's token was touched: %s", s)
	}
}
