package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/rpc"
)

func TestLoginStatusLogoutThroughKeychain(t *testing.T) {
	w := newWorld(t, worldOptions{configYAML: "default:\n  konnect:\n    base-url: {{URL}}\nbad:\n  konnect:\n    base-url: {{URL}}\n"})
	var st core.AuthStatus
	if err := w.call("auth/status", nil, &st); err != nil || st.Authenticated || len(st.Warnings) == 0 {
		t.Fatalf("before login: %+v %v", st, err)
	}
	var lr core.LoginResult
	if err := w.call("auth/login", map[string]string{"token": w.emu.AdminToken()}, &lr); err != nil {
		t.Fatal(err)
	}
	if lr.Kind != "pat" || lr.User == nil || lr.User.Email == "" || lr.Organization == nil || lr.Stored != "system" {
		t.Fatalf("login result %+v", lr)
	}
	// The token is in the real Secret Service, where secret-tool sees it.
	if got, ok := w.keys.SecretToolLookup(t, "konnectd", "default"); !ok || got != w.emu.AdminToken() {
		t.Fatal("secret-tool does not see the stored token")
	}
	if err := w.call("auth/status", nil, &st); err != nil || !st.Authenticated || st.Source != "keychain" {
		t.Fatalf("after login: %+v %v", st, err)
	}
	// Status names the entry as secret-tool would find it, not "keychain"
	// a second time.
	if want := `service "konnectd", account "default"`; st.Where != want {
		t.Errorf("status where = %q, want %q", st.Where, want)
	}
	if r := w.cli("", nil, "status"); r.code != 0 || !strings.Contains(r.stdout, "Credential:    keychain (service \"konnectd\", account \"default\")\n") {
		t.Errorf("konnectd status: %s", r)
	}
	// A token Konnect rejects is not stored.
	var e *rpc.Error
	err := w.call("auth/login", map[string]string{"profile": "bad", "token": "kpat_" + strings.Repeat("x", 49)}, nil)
	if !errors.As(err, &e) || e.Code != rpc.CodeUnauthorized {
		t.Fatalf("bad token: %v", err)
	}
	if _, ok := w.keys.SecretToolLookup(t, "konnectd", "bad"); ok {
		t.Fatal("a rejected token was stored")
	}
	var lo core.LogoutResult
	if err := w.call("auth/logout", nil, &lo); err != nil || !lo.Removed {
		t.Fatalf("logout %+v %v", lo, err)
	}
	if err := w.call("auth/logout", nil, &lo); err != nil || lo.Removed || lo.Message != `No stored Konnect credentials found for profile "default"` {
		t.Fatalf("second logout %+v %v", lo, err)
	}
}

// TestCredentialOrderAndCallerEnv: the caller's KONGCTL_* variables travel
// with the request, and the daemon ignores its own.
func TestCredentialOrderAndCallerEnv(t *testing.T) {
	w := newWorld(t, worldOptions{configYAML: "default:\n  konnect:\n    base-url: {{URL}}\n    pat: " + "kpat_plaintextinfileXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX" + "\n"})
	r := w.cli("", nil, "call", "auth/status", "--jq", "{source, authenticated}")
	if r.code != 0 || !strings.Contains(r.stdout, `"config-file"`) {
		t.Fatalf("file pat: %s", r)
	}
	r = w.cli("", []string{"KONGCTL_DEFAULT_KONNECT_PAT=" + w.emu.AdminToken()}, "call", "auth/status", "--jq", "{source, authenticated}")
	if r.code != 0 || !strings.Contains(r.stdout, `"env"`) || !strings.Contains(r.stdout, `"authenticated": true`) {
		t.Fatalf("env pat: %s", r)
	}
	// Import moves the plaintext pat into the keychain and names the file.
	var imp core.ImportResult
	if err := w.call("auth/import", nil, &imp); err != nil || imp.From != "config-file" || !strings.Contains(imp.Hint, w.config) {
		t.Fatalf("import %+v %v", imp, err)
	}
	if got, _ := w.keys.SecretToolLookup(t, "konnectd", "default"); !strings.HasPrefix(got, "kpat_plaintextinfile") {
		t.Fatal("import did not reach the keychain")
	}
	if b, _ := os.ReadFile(w.config); !strings.Contains(string(b), "kpat_plaintextinfile") {
		t.Fatal("import wrote the user's config file")
	}
}

func TestUnknownProfileMessage(t *testing.T) {
	w := newWorld(t, worldOptions{configYAML: "default: {}\nteam-a:\n  output: json\n"})
	r := w.cli("", nil, "call", "-p", "nosuch", "profile/get")
	want := "profile \"nosuch\" is not configured.\n\nAvailable profiles:\n    default\n    team-a\n"
	if r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Fatalf("%s", r)
	}
}

// TestProfileDidChange edits the config file under a connected client and
// expects the notification, including the error of a broken save.
func TestProfileDidChange(t *testing.T) {
	w := newWorld(t, worldOptions{})
	var mu sync.Mutex
	var got []core.ProfileList
	c, err := rpc.Dial(context.Background(), w.d.socket, func(method string, params json.RawMessage) {
		if method == "profile/didChange" {
			var l core.ProfileList
			json.Unmarshal(params, &l)
			mu.Lock()
			got = append(got, l)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Call(context.Background(), "initialize", rpc.InitializeParams{Profile: "team-b"}, nil); err != nil {
		t.Fatal(err)
	}
	wait := func(pred func(core.ProfileList) bool) core.ProfileList {
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			for _, l := range got {
				if pred(l) {
					mu.Unlock()
					return l
				}
			}
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("no matching profile/didChange; got %+v", got)
		return core.ProfileList{}
	}
	w.writeConfig("default:\n  konnect:\n    base-url: {{URL}}\nteam-b:\n  output: yaml\n")
	l := wait(func(l core.ProfileList) bool { return len(l.Profiles) == 2 })
	if l.Active != "team-b" || l.Error != "" {
		t.Fatalf("change %+v", l)
	}
	w.writeConfig("default: [unclosed\n")
	l = wait(func(l core.ProfileList) bool { return l.Error != "" })
	if len(l.Profiles) != 2 || !strings.Contains(l.Error, "line") {
		t.Fatalf("broken save should keep the last good profiles and say where: %+v", l)
	}
	// The daemon keeps serving with the last good profiles.
	var pl core.ProfileList
	if err := c.Call(context.Background(), "profile/list", nil, &pl); err != nil || len(pl.Profiles) != 2 {
		t.Fatalf("profile/list after a broken save: %+v %v", pl, err)
	}
	_ = filepath.Join
}

// TestDaemonIgnoresItsOwnKongctlEnv: a daemon started with KONGCTL_*
// variables in its own environment (say, by the first shell that needed
// it) must not apply them to socket clients, who forward their own.
func TestDaemonIgnoresItsOwnKongctlEnv(t *testing.T) {
	w := newWorld(t, worldOptions{})
	socket := filepath.Join(filepath.Dir(sockDir(t)), "s", "konnectd.sock")
	startDaemonAt(t, socket, append(append([]string{}, w.env...),
		"KONGCTL_DEFAULT_KONNECT_PAT="+w.emu.AdminToken(), "KONGCTL_PROFILE=ghost"),
		"--config-file", w.config)
	at := "KONNECTD_SOCKET=" + socket
	r := w.cli("", []string{at}, "call", "auth/status", "--jq", "{profile, source, authenticated}")
	if r.code != 0 || !strings.Contains(r.stdout, `"profile": "default"`) || !strings.Contains(r.stdout, `"authenticated": false`) ||
		!strings.Contains(r.stdout, `"source": null`) {
		t.Fatalf("the daemon's own KONGCTL_* applied to a client that set none: %s", r)
	}
	r = w.cli("", []string{at, "KONGCTL_DEFAULT_KONNECT_PAT=" + w.emu.AdminToken()}, "call", "auth/status", "--jq", "{profile, source, authenticated}")
	if r.code != 0 || !strings.Contains(r.stdout, `"source": "env"`) || !strings.Contains(r.stdout, `"authenticated": true`) {
		t.Fatalf("the caller's own variable: %s", r)
	}
}

// TestLoginWithSystemAccountTokenAndLockedKeychain: a SPAT is checked on
// organizations/me (users/me refuses it) and stored; once the keychain is
// locked, status fails with the keychain's own advice instead of quietly
// using the plaintext token the config file also has.
func TestLoginWithSystemAccountTokenAndLockedKeychain(t *testing.T) {
	filePAT := "kpat_plaintextinfileXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
	w := newWorld(t, worldOptions{configYAML: "ci:\n  konnect:\n    base-url: {{URL}}\n    pat: " + filePAT + "\n"})
	kc, err := konnect.New(konnect.Options{BaseURL: w.url, Token: w.emu.AdminToken()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	acct, err := kc.CreateSystemAccount(ctx, "ci-bot", "login test")
	if err != nil {
		t.Fatal(err)
	}
	spat, err := kc.CreateSPAT(ctx, acct.ID, "login", time.Now().Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	before := w.emu.Requests()["get-users-me"]
	var lr core.LoginResult
	if err := w.call("auth/login", map[string]string{"profile": "ci", "token": spat.Token}, &lr); err != nil {
		t.Fatal(err)
	}
	if lr.Kind != "spat" || lr.User != nil || lr.Organization == nil || lr.Organization.Name == "" {
		t.Fatalf("SPAT login result %+v", lr)
	}
	if n := w.emu.Requests()["get-users-me"]; n != before {
		t.Errorf("a SPAT login called users/me %d times; the spec refuses SPATs there", n-before)
	}
	if got, ok := w.keys.SecretToolLookup(t, "konnectd", "ci"); !ok || got != spat.Token {
		t.Fatal("secret-tool does not see the stored SPAT")
	}
	var st core.AuthStatus
	if err := w.call("auth/status", map[string]string{"profile": "ci"}, &st); err != nil || !st.Authenticated ||
		st.Source != "keychain" || st.User != nil || st.Organization == nil {
		t.Fatalf("status with the SPAT: %+v %v", st, err)
	}

	w.keys.Lock(t)
	t.Cleanup(func() { w.keys.Unlock(t) })
	var e *rpc.Error
	err = w.call("auth/status", map[string]string{"profile": "ci"}, &st)
	if !errors.As(err, &e) || e.Code != rpc.CodeKeychain || !strings.Contains(e.Message, "locked") || !strings.Contains(e.Message, "unlock") {
		t.Fatalf("status on a locked keychain: %v (a fall-through to the file's token would be a silent identity switch)", err)
	}
	if strings.Contains(e.Message, "kpat_") || strings.Contains(e.Message, "spat_") {
		t.Error("the keychain error holds a token")
	}
	if strings.Contains(e.Message, "keychain: keychain:") {
		t.Errorf("the keychain error says keychain twice: %s", e.Message)
	}
	r := w.cli("", nil, "status", "-p", "ci")
	if r.code == 0 || !strings.Contains(r.stderr, "locked") {
		t.Fatalf("konnectd status on a locked keychain: %s", r)
	}
}

// TestFileKeychainIsOptInAndWarned: without a session bus the system
// keychain says so and nothing is written anywhere; the plaintext file store
// is used only when asked for (--keychain=file, or konnectd.keychain in the
// config file), sits beside the config file with mode 0600, and status warns
// about it.
func TestFileKeychainIsOptInAndWarned(t *testing.T) {
	w := newWorld(t, worldOptions{})
	dir := filepath.Dir(w.config)
	noBus := append(append([]string{}, w.env...), "DBUS_SESSION_BUS_ADDRESS=")
	socket := filepath.Join(filepath.Dir(sockDir(t)), "s", "konnectd.sock")
	d := startDaemonAt(t, socket, noBus, "--config-file", w.config)
	at := []string{"KONNECTD_SOCKET=" + d.socket}
	r := w.cli(w.emu.AdminToken()+"\n", at, "login")
	if r.code == 0 || !strings.Contains(r.stderr, "DBUS_SESSION_BUS_ADDRESS") {
		t.Fatalf("login without a session bus: %s", r)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), "credentials") {
			t.Fatalf("a failed system keychain fell back to %s", e.Name())
		}
	}
	d.stop(t)

	for _, tc := range []struct {
		name, yaml string
		args       []string
	}{
		{"flag", "", []string{"--keychain", "file"}},
		{"config key", "default:\n  konnectd:\n    keychain: file\n  konnect:\n    base-url: {{URL}}\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, worldOptions{configYAML: tc.yaml, daemonArgs: tc.args})
			var lr core.LoginResult
			if err := w.call("auth/login", map[string]string{"token": w.emu.AdminToken()}, &lr); err != nil || lr.Stored != "file" {
				t.Fatalf("login: %+v %v", lr, err)
			}
			path := filepath.Join(filepath.Dir(w.config), "konnectd-credentials.json")
			fi, err := os.Stat(path)
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("file store %s: %v %v", path, fi, err)
			}
			if _, ok := w.keys.SecretToolLookup(t, "konnectd", "default"); ok {
				t.Error("the file store also wrote the system keychain")
			}
			var st core.AuthStatus
			if err := w.call("auth/status", nil, &st); err != nil || !st.Authenticated || st.Keychain != "file" ||
				!strings.HasPrefix(st.Where, path) {
				t.Fatalf("status: %+v %v", st, err)
			}
			warned := false
			for _, m := range st.Warnings {
				warned = warned || strings.Contains(m, "plaintext")
			}
			if !warned {
				t.Errorf("status does not warn about the plaintext store: %q", st.Warnings)
			}
		})
	}
}
