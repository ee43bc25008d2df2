package e2e

import (
	"encoding/json"
	"errors"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/konnect/emulator"
	"github.com/konnectd/konnectd/rpc"
)

// Custody: the four ways issue 14 found to lose a live token, each through
// the built binary against the emulator and the real Secret Service, and
// the failures after the 201 that must leave the secret recoverable.

// custody checks the promise: every ACTIVE PAT in token/list is the
// emulator's admin PAT, or one whose secret the caller got (withCaller:
// token id → secret), or one konnectd keeps in the keychain (keychain/list
// names its entry, and secret-tool reads a PAT there).
func custody(t *testing.T, w *world, withCaller map[string]string) {
	t.Helper()
	var list core.TokenList
	if err := w.call("token/list", map[string]any{"kind": "pat", "userId": emulator.CharlieCruzID}, &list); err != nil {
		t.Fatal(err)
	}
	var stored core.StoredList
	if err := w.call("keychain/list", map[string]any{}, &stored); err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{}
	for _, e := range stored.Data {
		if !e.Present || e.TokenID == "" {
			continue
		}
		if s, ok := w.keys.SecretToolLookup(t, "konnectd", e.Account); ok && patRE.MatchString(s) {
			kept[e.TokenID] = true
		}
	}
	for _, ti := range list.Data {
		if ti.State != "ACTIVE" || ti.Name == "emulator admin" {
			continue
		}
		if s, ok := withCaller[ti.ID]; ok && patRE.MatchString(s) {
			continue
		}
		if !kept[ti.ID] {
			t.Errorf("ACTIVE pat %q (%s) is neither with the caller nor in the keychain: its secret is lost", ti.Name, ti.ID)
		}
	}
}

// clean fails t if any of texts holds a token.
func clean(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if redact.Contains(s) {
			t.Errorf("a message holds a token: %s", redact.String(s))
		}
	}
}

// TestJQRuntimeErrorCreatesNothing is path 1: a filter that compiles but
// fails at run time is found by the dry run, before the POST.
func TestJQRuntimeErrorCreatesNothing(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	w.login("default")
	for _, f := range []string{`error("boom")`, `.token|tonumber`, `.expires_at|tonumber`} {
		r := w.cli("", nil, "create", "pat", "--name", "boom", "--expires-in", "30d", "--jq", f)
		if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, "Error: jq filter failed: ") || !strings.Contains(r.stderr, "nothing was created") {
			t.Errorf("--jq %s: %s", f, r)
		}
		clean(t, r.stderr)
	}
	if n := w.emu.Requests()["create-personal-access-token"]; n != 0 {
		t.Fatalf("%d creates reached Konnect for filters that fail", n)
	}
	// A filter that works on the placeholder works for real too.
	r := w.cli("", nil, "create", "pat", "--name", "ok", "--expires-in", "30d", "--jq", ".token|select(length == 54)", "-r")
	if r.code != 0 || !patRE.MatchString(strings.TrimSpace(r.stdout)) {
		t.Fatalf("--jq .token|select(length == 54): %s", r)
	}
	custody(t, w, map[string]string{w.emu.CreatedTokens()[0].ID: strings.TrimSpace(r.stdout)})
	if n := len(w.emu.CreatedTokens()); n != 1 {
		t.Fatalf("%d tokens created, want 1", n)
	}
}

// TestStoreNameTakenIsRefused is path 2: a second create into a taken
// entry (CLI --store, an RPC create_spat named like an earlier pat, MCP's
// default destination) is refused before the POST; --replace replaces it
// and says which token the entry held.
func TestStoreNameTakenIsRefused(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	w.login("default")
	r := w.cli("", nil, "create", "pat", "--name", "first", "--expires-in", "30d", "--store", "x", "-o", "json")
	var first core.TokenCreated
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &first) != nil {
		t.Fatalf("first store: %s", r)
	}
	secret, _ := w.keys.SecretToolLookup(t, "konnectd", "token:x")
	before := len(w.emu.CreatedTokens())
	r = w.cli("", nil, "create", "pat", "--name", "second", "--expires-in", "30d", "--store", "x")
	if r.code != 1 || !strings.Contains(r.stderr, "keychain entry token:x is taken: it holds pat \"first\" ("+first.ID+")") ||
		!strings.Contains(r.stderr, "pass --replace") || !strings.Contains(r.stderr, "Nothing was created") {
		t.Fatalf("second store: %s", r)
	}
	// The same over RPC, a spat into the pat's entry.
	var e *rpc.Error
	err := w.call("token/createSystemAccount", map[string]any{"name": "x", "systemAccountName": "ci-deployer", "expiresIn": "30d", "store": map[string]string{"name": "x"}}, nil)
	if !errors.As(err, &e) || e.Code != rpc.CodeValidation || !strings.Contains(e.Message, "store.replace: true") {
		t.Fatalf("spat into a pat's entry: %v", err)
	}
	if n := len(w.emu.CreatedTokens()); n != before {
		t.Fatalf("%d tokens created by refused stores", n-before)
	}
	if now, _ := w.keys.SecretToolLookup(t, "konnectd", "token:x"); now != secret {
		t.Fatal("the entry was changed by a refused store")
	}
	// MCP: create_pat's default destination is the token's name.
	a := startAgent(t, w, "", "--allow-write")
	var agentFirst struct{ ID string }
	a.ok("create_pat", map[string]any{"name": "agent", "expires_in": "30d"}, &agentFirst)
	if msg := a.fails("create_pat", map[string]any{"name": "agent", "expires_in": "30d"}); !strings.Contains(msg, "token:agent is taken") || !strings.Contains(msg, "replace: true") {
		t.Fatalf("mcp second create: %s", msg)
	}
	var c struct{ Where string }
	a.ok("create_pat", map[string]any{"name": "agent", "expires_in": "30d", "replace": true}, &c)
	if !strings.Contains(c.Where, "replaced keychain entry token:agent, which held pat \"agent\"") || !strings.Contains(c.Where, "username token:agent") {
		t.Fatalf("mcp replace: %q", c.Where)
	}
	a.ok("delete_token", map[string]any{"kind": "pat", "id": agentFirst.ID}, nil)
	a.assertNoSecrets(secret)

	// --replace: done, and stderr names the token the entry held; stdout
	// is the usual text.
	r = w.cli("", nil, "create", "pat", "--name", "second", "--expires-in", "30d", "--store", "x", "--replace")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Created pat \"second\"") ||
		!strings.Contains(r.stderr, "Warning: replaced keychain entry token:x, which held pat \"first\" ("+first.ID+")") || !strings.Contains(r.stderr, "still ACTIVE in Konnect; that token was not deleted") {
		t.Fatalf("--replace: %s", r)
	}
	clean(t, r.stdout, r.stderr)
	// The replaced token is still ACTIVE and nobody holds it: the warning
	// said so, and the user deletes it as told.
	if r := w.cli("", nil, "delete", "pat", first.ID, "--auto-approve"); r.code != 0 {
		t.Fatalf("delete the replaced token: %s", r)
	}
	// An entry whose token was deleted (and the entry kept): the replace
	// says the token is gone, so there is nothing left to clean up.
	if r := w.cli("yes\n", nil, "delete", "pat", "second"); r.code != 0 || !strings.Contains(r.stderr, "Kept keychain entry token:x") {
		t.Fatalf("delete second, keeping its entry: %s", r)
	}
	r = w.cli("", nil, "create", "pat", "--name", "third", "--expires-in", "30d", "--store", "x", "--replace")
	if r.code != 0 || !strings.Contains(r.stderr, "which held pat \"second\"") || !strings.Contains(r.stderr, "(no longer in Konnect)") {
		t.Fatalf("replace the entry of a deleted token: %s", r)
	}
	custody(t, w, nil)
}

// TestNoKeychainCreatesNothing is path 3: with no D-Bus session bus the
// system keychain is unreachable; a create with keychain delivery is
// refused before the POST, and the messages name what works in each face.
func TestNoKeychainCreatesNothing(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	noBus := []string{"DBUS_SESSION_BUS_ADDRESS=", "KONGCTL_DEFAULT_KONNECT_PAT=" + w.emu.AdminToken()}
	d := startDaemon(t, append(append([]string{}, w.env...), noBus...), "--config-file", w.config)
	r := w.cli("", append([]string{"KONNECTD_SOCKET=" + d.socket}, noBus...), "create", "pat", "--name", "nokc", "--expires-in", "30d", "--store", "nokc")
	if r.code != 1 || !strings.Contains(r.stderr, "the keychain cannot store the new token, so it was not created") || r.stdout != "" {
		t.Fatalf("cli: %s", r)
	}
	// MCP, its own process without a bus: refused, no contradiction, and
	// the file-store advice is the MCP server's own.
	cmdEnv := append(append([]string{}, w.env...), noBus...)
	a := startAgentEnv(t, w, cmdEnv, "--allow-write")
	msg := a.fails("create_pat", map[string]any{"name": "nokc", "expires_in": "30d"})
	if !strings.Contains(msg, "so it was not created") || strings.Contains(msg, "serve --keychain=file") || !strings.Contains(msg, "konnectd mcp --keychain=file") ||
		strings.Contains(msg, "unrecoverable") || strings.Contains(msg, "keep it") {
		t.Fatalf("mcp: %s", msg)
	}
	if n := len(w.emu.CreatedTokens()); n != 0 {
		t.Fatalf("%d tokens created without a keychain to hold them", n)
	}
	clean(t, r.stderr, msg)
}

// TestDeleteForgetsStoredEntry is path 4: delete pat offers to forget the
// entry that held the deleted token; --auto-approve forgets it; get stored
// lists what is left, and forget removes one by name.
func TestDeleteForgetsStoredEntry(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	w.login("default")
	for _, n := range []string{"ci-bot", "ci-two", "ci-three"} {
		if r := w.cli("", nil, "create", "pat", "--name", n, "--expires-in", "30d", "--store", n); r.code != 0 {
			t.Fatalf("create %s: %s", n, r)
		}
	}
	r := w.cli("", nil, "get", "stored", "-o", "json")
	var entries []core.StoredEntry
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &entries) != nil || len(entries) != 4 {
		t.Fatalf("get stored: %s", r)
	}
	for _, e := range entries {
		if e.Space == "token" && (e.Kind != "pat" || e.TokenID == "" || e.ExpiresAt == "" || e.Profile != "default" || e.Source != "created") {
			t.Fatalf("entry %+v", e)
		}
		if e.Account == "default" && (e.Source != "login" || (e.TokenID != "" && e.IDFrom != keychain.IDFromLastUsed)) {
			t.Fatalf("login entry %+v: its id is unknown, or learnt by the expiry watch", e)
		}
	}
	clean(t, r.stdout)

	r = w.cli("", nil, "delete", "pat", "ci-bot", "--auto-approve")
	if r.code != 0 || r.stdout != "Deleted pat \"ci-bot\"\n" || !strings.Contains(r.stderr, "Forgot token:ci-bot") {
		t.Fatalf("delete --auto-approve: %s", r)
	}
	if _, ok := w.keys.SecretToolLookup(t, "konnectd", "token:ci-bot"); ok {
		t.Fatal("the dead token is still in the keychain")
	}
	// kongctl's confirmation, then the offer to forget: both answered
	// yes; then only the deletion confirmed: the entry is kept, and the
	// user told how to forget it.
	r = w.cli("yes\nyes\n", nil, "delete", "pat", "ci-two")
	if r.code != 0 || !strings.Contains(r.stderr, "Forget it?") || !strings.Contains(r.stderr, "Forgot token:ci-two") {
		t.Fatalf("delete, yes: %s", r)
	}
	r = w.cli("yes\n", nil, "delete", "pat", "ci-three")
	if r.code != 0 || !strings.Contains(r.stderr, "'konnectd forget token:ci-three' removes it") {
		t.Fatalf("delete, no answer: %s", r)
	}
	r = w.cli("", nil, "forget", "ci-three")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Forgot token:ci-three, which held pat \"ci-three\"") {
		t.Fatalf("forget: %s", r)
	}
	if r := w.cli("", nil, "get", "stored"); r.code != 0 || strings.Contains(r.stdout, "ci-") || !regexp.MustCompile(`(?m)^default\s+profile\s+pat\s+(unknown|[0-9a-f]{4}…)\s+default\s+.*login$`).MatchString(r.stdout) {
		t.Fatalf("get stored after: %s", r)
	}
	if r := w.cli("", nil, "forget", "ci-three"); r.code != 1 || !strings.Contains(r.stderr, "no keychain entry") {
		t.Fatalf("forget again: %s", r)
	}
	// The profile's credential is a login: status says its id is unknown,
	// unless login matched it by its last use (issue 17).
	var st core.AuthStatus
	if err := w.call("auth/status", map[string]any{}, &st); err != nil || st.Stored == nil || st.Stored.Source != "login" || (st.Stored.TokenID != "" && st.Stored.IDFrom != keychain.IDFromLastUsed) {
		t.Fatalf("auth/status stored record: %+v %v", st.Stored, err)
	}
	custody(t, w, nil)
}

// TestFailuresAfterCreateKeepTheSecret: for each failure after the 201 —
// a jq filter that passes the dry run but fails on the real token, a
// keychain write that fails, a reply the client never reads — the secret
// is recoverable: in the keychain under recovered:<id>, or with the caller.
func TestFailuresAfterCreateKeepTheSecret(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	w.login("default")
	withCaller := map[string]string{}

	// jq: the dry run's record has the placeholder id; the real one fails.
	late := `if .id == "` + core.PlaceholderID + `" then . else error("late") end`
	r := w.cli("", nil, "create", "pat", "--name", "late-jq", "--expires-in", "30d", "--jq", late)
	created := w.emu.CreatedTokens()
	id := created[len(created)-1].ID
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "kept in the system keychain as recovered:"+id) ||
		!strings.Contains(r.stderr, "secret-tool lookup service konnectd username recovered:"+id) || !strings.Contains(r.stderr, "konnectd get stored "+id+" --secret") {
		t.Fatalf("late jq failure: %s", r)
	}
	clean(t, r.stdout, r.stderr)
	s, ok := w.keys.SecretToolLookup(t, "konnectd", "recovered:"+id)
	if !ok || !patRE.MatchString(s) {
		t.Fatal("the recovered secret is not in the keychain")
	}
	if got := w.cli("", nil, "get", "stored", id, "--secret"); got.code != 0 || got.stdout != s+"\n" {
		t.Fatalf("get stored --secret does not print the recovered token (exit %d)", got.code)
	}
	st := w.cli("", []string{"KONGCTL_DEFAULT_KONNECT_PAT=" + s}, "call", "auth/status", "--jq", ".authenticated", "-r")
	if st.code != 0 || st.stdout != "true\n" {
		t.Fatalf("the recovered token does not work: %s", st)
	}

	// The keychain locks while Konnect creates the token: the store fails
	// after the 201, the recovery write too, so the secret goes to stdout.
	w.emu.SetFaults(emulator.Faults{Latency: 2 * time.Second})
	env := []string{"KONGCTL_DEFAULT_KONNECT_PAT=" + w.emu.AdminToken()}
	done := make(chan result, 1)
	n0 := w.emu.Requests()["create-personal-access-token"]
	go func() {
		done <- run(t, "", append(append([]string{}, w.env...), env...), "create", "pat", "--name", "locked", "--expires-in", "30d", "--store", "locked")
	}()
	for deadline := time.Now().Add(30 * time.Second); w.emu.Requests()["create-personal-access-token"] == n0; {
		if time.Now().After(deadline) {
			t.Fatal("the create never reached the emulator")
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.keys.Lock(t)
	r = <-done
	w.emu.SetFaults(emulator.Faults{})
	w.keys.Unlock(t)
	var tc core.TokenCreated
	if r.code != 1 || json.Unmarshal([]byte(r.stdout), &tc) != nil || !patRE.MatchString(tc.Token) ||
		!strings.Contains(r.stderr, "printed on standard output") || !strings.Contains(r.stderr, "'konnectd delete pat "+tc.ID+"'") {
		t.Fatalf("store failure after the 201: %s", r)
	}
	clean(t, r.stderr)
	withCaller[tc.ID] = tc.Token

	// The client shuts its reading side after sending the request: the
	// reply cannot be written, and the daemon keeps the secret.
	conn, err := net.Dial("unix", w.d.socket)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req := `{"jsonrpc":"2.0","id":1,"method":"token/createPersonal","params":{"name":"unread","expiresIn":"30d"}}` + "\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	if err := conn.(*net.UnixConn).CloseRead(); err != nil {
		t.Fatal(err)
	}
	var unread string
	for deadline := time.Now().Add(30 * time.Second); unread == ""; time.Sleep(50 * time.Millisecond) {
		for _, c := range w.emu.CreatedTokens() {
			if c.Name == "unread" {
				unread = c.ID
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the create never happened")
		}
	}
	var got string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if s, ok := w.keys.SecretToolLookup(t, "konnectd", "recovered:"+unread); ok {
			got = s
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the secret of the unread reply was not kept:\n%s", redact.String(w.d.logs()))
		}
	}
	if !patRE.MatchString(got) || !strings.Contains(w.d.logs(), "reply not delivered") {
		t.Fatal("the unread reply's secret is not a PAT, or the log does not say what happened")
	}

	// The client hangs up while Konnect is still creating the token: the
	// POST is not cut off (which would leave a token nobody holds), and
	// its secret is kept.
	w.emu.SetFaults(emulator.Faults{Latency: 2 * time.Second})
	hang, err := net.Dial("unix", w.d.socket)
	if err != nil {
		t.Fatal(err)
	}
	n0 = w.emu.Requests()["create-personal-access-token"]
	req = `{"jsonrpc":"2.0","id":2,"method":"token/createPersonal","params":{"name":"hung-up","expiresIn":"30d"}}` + "\n"
	if _, err := hang.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); w.emu.Requests()["create-personal-access-token"] == n0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the create never reached the emulator")
		}
	}
	hang.Close()
	var hungUp string
	for deadline := time.Now().Add(30 * time.Second); hungUp == ""; time.Sleep(50 * time.Millisecond) {
		for _, c := range w.emu.CreatedTokens() {
			if c.Name == "hung-up" {
				hungUp = c.ID
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the create was cut off when its client hung up:\n%s", redact.String(w.d.logs()))
		}
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if s, ok := w.keys.SecretToolLookup(t, "konnectd", "recovered:"+hungUp); ok && patRE.MatchString(s) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the secret of a create whose client hung up was not kept:\n%s", redact.String(w.d.logs()))
		}
	}
	w.emu.SetFaults(emulator.Faults{})
	custody(t, w, withCaller)
}

// startAgentEnv is startAgent with an environment of its own.
func startAgentEnv(t *testing.T, w *world, env []string, args ...string) *agent {
	t.Helper()
	saved := w.env
	w.env = env
	defer func() { w.env = saved }()
	return startAgent(t, w, "", args...)
}
