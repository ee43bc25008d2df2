package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/konnect/emulator"
	"github.com/konnectd/konnectd/output"
	"github.com/konnectd/konnectd/rpc"
)

// The tests below create real tokens in the emulator; their secrets are
// checked by shape and by use, and never printed: every failure message
// goes through result.String or redact.String.

const teamConfig = "default:\n  konnect:\n    base-url: {{URL}}\nteam-a:\n  konnect:\n    base-url: {{URL}}\n"

// requests is the emulator's total request count.
func requests(w *world) int {
	n := 0
	for _, c := range w.emu.Requests() {
		n += c
	}
	return n
}

// cleanLogs fails the test if the daemon's log holds a secret.
func cleanLogs(t *testing.T, w *world) {
	t.Cleanup(func() {
		if redact.Contains(w.d.logs()) {
			t.Error("the daemon log contains a token")
		}
	})
}

var (
	uuidPattern = `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`
	patRE       = regexp.MustCompile(`^kpat_[A-Za-z0-9]+$`)
	spatRE      = regexp.MustCompile(`^spat_[A-Za-z0-9]+$`)
)

// keyOrder returns the top-level keys of a JSON object in document order.
func keyOrder(t *testing.T, s string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %s", redact.String(s))
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// TestCreatePATEveryOutput: each -o prints what kongctl prints, and each
// printed token is a real, working PAT.
func TestCreatePATEveryOutput(t *testing.T) {
	w := newWorld(t, worldOptions{configYAML: teamConfig})
	cleanLogs(t, w)
	w.login("default")
	w.login("team-a")

	r := w.cli("", nil, "create", "pat", "--name", "ci-json", "--expires-in", "30d", "-o", "json")
	if r.code != 0 {
		t.Fatalf("json: %s", r)
	}
	want := []string{"type", "id", "name", "token", "user_id", "state", "created_at", "updated_at", "expires_at"}
	if got := keyOrder(t, r.stdout); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("json keys %v, want kongctl's order %v", got, want)
	}
	if !strings.HasPrefix(r.stdout, "{\n  \"type\": \"pat\",\n") {
		t.Fatalf("json is not two-space indented: %s", r)
	}
	var rec output.TokenRecord
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil || !patRE.MatchString(rec.Token) ||
		rec.UserID != emulator.CharlieCruzID || rec.State != "ACTIVE" || rec.Name != "ci-json" {
		t.Fatalf("json record wrong (%v): %s", err, r)
	}
	// ttl_seconds 30d: expires_at is 30 days after created_at, both
	// reformatted to UTC RFC 3339 without a fraction.
	created, err1 := time.Parse(time.RFC3339, rec.CreatedAt)
	expires, err2 := time.Parse(time.RFC3339, rec.ExpiresAt)
	if err1 != nil || err2 != nil || expires.Sub(created) != 30*24*time.Hour || strings.Contains(rec.ExpiresAt, ".") {
		t.Fatalf("times %q %q", rec.CreatedAt, rec.ExpiresAt)
	}
	// The printed token works: Konnect accepts it for users/me.
	st := w.cli("", []string{"KONGCTL_DEFAULT_KONNECT_PAT=" + rec.Token}, "call", "auth/status", "--jq", ".authenticated", "-r")
	if st.code != 0 || st.stdout != "true\n" {
		t.Fatalf("the created token does not work: %s", st)
	}

	r = w.cli("", nil, "create", "pat", "--name", "ci-yaml", "--expires-in", "1d", "-o", "yaml")
	var keys []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		k, _, _ := strings.Cut(line, ":")
		keys = append(keys, k)
	}
	if r.code != 0 || strings.Join(keys, ",") != "created_at,expires_at,id,name,state,token,type,updated_at,user_id" ||
		!regexp.MustCompile(`(?m)^created_at: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$`).MatchString(r.stdout) {
		t.Fatalf("yaml (keys %v): %s", keys, r)
	}

	r = w.cli("", nil, "create", "pat", "--name", "ci text", "--expires-in", "24h")
	if r.code != 0 || !regexp.MustCompile(`^Created pat "ci text" \(`+uuidPattern+`\)\ntoken: kpat_[A-Za-z0-9]+\n$`).MatchString(r.stdout) {
		t.Fatalf("text: %s", r)
	}

	r = w.cli("", nil, "create", "pat", "--name", "ci-token", "--expires-in", "365d", "-o", "token")
	if r.code != 0 || !patRE.MatchString(strings.TrimSuffix(r.stdout, "\n")) || !strings.HasSuffix(r.stdout, "\n") {
		t.Fatalf("token: %s", r)
	}

	r = w.cli("", nil, "create", "pat", "-p", "team-a", "--name", "ci-env", "--expires-in", "30d", "-o", "env")
	if r.code != 0 || !regexp.MustCompile(`^export KONGCTL_TEAM_A_KONNECT_PAT='kpat_[A-Za-z0-9]+'\n$`).MatchString(r.stdout) {
		t.Fatalf("env: %s", r)
	}

	// --jq switches create to json; -r prints the raw string; kongctl's
	// "--jq -r '.token'" quirk works too.
	r = w.cli("", nil, "create", "pat", "--name", "ci-jq", "--expires-in", "30d", "--jq", "{name, type}")
	if r.code != 0 || r.stdout != "{\n  \"name\": \"ci-jq\",\n  \"type\": \"pat\"\n}\n" {
		t.Fatalf("jq: %s", r)
	}
	r = w.cli("", nil, "create", "pat", "--name", "ci-quirk", "--expires-in", "30d", "--jq", "-r", ".name")
	if r.code != 0 || r.stdout != "ci-quirk\n" {
		t.Fatalf("--jq -r quirk: %s", r)
	}

	// --expires-at is sent as given (offset and fraction kept).
	at := time.Now().Add(48 * time.Hour).In(time.FixedZone("", 2*3600)).Format("2006-01-02T15:04:05.123456-07:00")
	var tc core.TokenCreated
	if err := w.call("token/createPersonal", map[string]any{"name": "ci-at", "expiresAt": at}, &tc); err != nil {
		t.Fatal(err)
	}
	wantAt, _ := time.Parse(time.RFC3339, at)
	if !patRE.MatchString(tc.Token) || tc.ExpiresAt != wantAt.UTC().Format(time.RFC3339) || tc.Stored != nil {
		t.Fatalf("expiresAt: got expires_at %q want %q", tc.ExpiresAt, wantAt.UTC().Format(time.RFC3339))
	}
}

// TestCreateSPATAndSystemAccount: a system account created by name, a
// SPAT for it by name (filter[name][eq]) and by id, and kongctl's
// not-found message.
func TestCreateSPATAndSystemAccount(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	w.login("default")

	r := w.cli("", nil, "create", "system-account", "--name", "deployer", "--description", "Deploys things", "-o", "json")
	var acct struct{ ID, Name, Description string }
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &acct) != nil || acct.Name != "deployer" || acct.ID == "" {
		t.Fatalf("create system-account: %s", r)
	}
	r = w.cli("", nil, "create", "system-account", "--name", "deployer", "--description", "again")
	if r.code != 1 || !strings.Contains(r.stderr, "Failed to create system account") || !strings.Contains(r.stderr, "status: 409") {
		t.Fatalf("duplicate system account: %s", r)
	}

	before := w.emu.Requests()["get-system-accounts"]
	r = w.cli("", nil, "create", "spat", "--name", "ci", "--system-account-name", "deployer", "--expires-in", "30d", "-o", "json")
	var rec output.TokenRecord
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rec) != nil || !spatRE.MatchString(rec.Token) ||
		rec.SystemAccountID != acct.ID || rec.SystemAccountName != "deployer" || rec.State != "" {
		t.Fatalf("spat by name: %s", r)
	}
	if got := keyOrder(t, r.stdout); strings.Join(got, ",") != "type,id,name,token,system_account_id,system_account_name,created_at,updated_at,expires_at" {
		t.Fatalf("spat json keys %v", got)
	}
	if w.emu.Requests()["get-system-accounts"] != before+1 {
		t.Fatal("the system account name was not looked up exactly once")
	}
	// By id: no lookup, and no name in the record (as kongctl).
	var tc core.TokenCreated
	if err := w.call("token/createSystemAccount", map[string]any{"name": "ci2", "systemAccountId": acct.ID, "expiresIn": "2d"}, &tc); err != nil {
		t.Fatal(err)
	}
	if tc.Type != "spat" || tc.SystemAccountName != "" || tc.SystemAccountID != acct.ID || !spatRE.MatchString(tc.Token) {
		t.Fatalf("spat by id: %+v", noSecret(tc))
	}
	if w.emu.Requests()["get-system-accounts"] != before+1 {
		t.Fatal("a system account id was looked up")
	}
	// SPATs always carry an absolute expires_at: 2 days from now.
	exp, err := time.Parse(time.RFC3339, tc.ExpiresAt)
	if err != nil || exp.Before(time.Now().Add(47*time.Hour)) || exp.After(time.Now().Add(49*time.Hour)) {
		t.Fatalf("spat expires_at %q", tc.ExpiresAt)
	}

	r = w.cli("", nil, "create", "spat", "--name", "ci", "--system-account-name", "nope", "--expires-in", "30d")
	if r.code != 1 || r.stderr != "Error: system account \"nope\" not found\n" || r.stdout != "" {
		t.Fatalf("not found: %s", r)
	}
	if n := len(w.emu.CreatedTokens()); n != 2 {
		t.Fatalf("%d tokens created, want 2", n)
	}
}

// noSecret lets a failure message show a record without its secret.
func noSecret(tc core.TokenCreated) core.TokenCreated { tc.Token = ""; return tc }

// TestTokenValidationBeforeAnyRequest: every error in kongctl's list, in
// kongctl's words and usage form, and not one request reaches Konnect.
func TestTokenValidationBeforeAnyRequest(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	w.login("default")
	soon := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	late := time.Now().Add(400 * 24 * time.Hour).UTC().Format(time.RFC3339)
	pat := []string{"create", "pat", "--name", "ci"}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"create", "pat"}, "- Error: --name is required\n- Error: exactly one of --expires-in or --expires-at is required"},
		{[]string{"create", "spat"}, "- Error: --name is required\n- Error: exactly one of --system-account-id or --system-account-name is required\n- Error: exactly one of --expires-in or --expires-at is required"},
		{[]string{"create", "pat", "--expires-in", "30d"}, "--name is required"},
		{[]string{"create", "pat", "--name", "  ", "--expires-in", "30d"}, "--name is required"},
		{append(pat, "--expires-in", "30d", "--expires-at", late), "exactly one of --expires-in or --expires-at is required"},
		{[]string{"create", "spat", "--name", "ci", "--expires-in", "30d", "--system-account-id", "x", "--system-account-name", "y"}, "exactly one of --system-account-id or --system-account-name is required"},
		{append(pat, "--expires-in", "23h"), "minimum token lifetime is 1 day (--expires-in must be at least 1d)"},
		{append(pat, "--expires-in", "366d"), "maximum token lifetime is 365 days (12 months) (--expires-in must be at most 365d)"},
		{append(pat, "--expires-in", "30"), `invalid --expires-in value "30": use a duration between 1 day and 365 days (12 months) with units ns, us, ms, s, m, h, or d (days)`},
		{append(pat, "--expires-at", soon), "minimum token lifetime is 1 day (--expires-at must be at least 1 day from now)"},
		{append(pat, "--expires-at", late), "maximum token lifetime is 365 days (12 months) (--expires-at must be at most 365 days from now)"},
		{append(pat, "--expires-at", "2026-13-01T00:00:00Z"), `invalid --expires-at value "2026-13-01T00:00:00Z": parsing time "2026-13-01T00:00:00Z": month out of range`},
		{append(pat, "--expires-at", "2027-01-01"), `invalid --expires-at value "2027-01-01": parsing time "2027-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"`},
		{append(pat, "--expires-in", "30d", "-o", "helm"), `invalid value "helm" for --output, must be one of [json yaml text token env]`},
		{append(pat, "--expires-in", "30d", "-o", "token", "--jq", ".token"), "--jq is not supported with --output token"},
		{append(pat, "--expires-in", "30d", "-o", "env", "--jq", ".token"), "--jq is not supported with --output env"},
		{append(pat, "--expires-in", "30d", "-o", "text", "--jq", ".token"), "--jq is only supported with --output json or --output yaml"},
		{append(pat, "--expires-in", "30d", "-o", "yaml", "--jq", ".token", "-r"), "--jq-raw-output is only supported with --output json when used with --jq"},
		{append(pat, "--expires-in", "30d", "--jq", ".foo |"), "invalid jq expression: unexpected EOF"},
		{append(pat, "--expires-in", "30d", "--jq", "foo(1)"), "failed to compile jq expression: function not defined: foo/1"},
		{append(pat, "--expires-in", "30d", "--store", "x", "-o", "token"), "--output token cannot be used when the token is stored in the keychain: it is not printed"},
		{append(pat, "--expires-in", "30d", "extra"), `unknown command "extra" for "konnectd create pat"`},
		{[]string{"delete", "pat"}, "accepts 1 arg(s), received 0"},
	} {
		before := requests(w)
		r := w.cli("", nil, tc.args...)
		cmdPath := "konnectd " + tc.args[0] + " " + tc.args[1]
		// kongctl's forms: several errors as "- Error:" lines; the output
		// mistakes it finds only when printing have no usage hint.
		want := "Error: " + tc.msg + "\n\nRun '" + cmdPath + " --help' for usage\n"
		if strings.HasPrefix(tc.msg, "- Error: ") {
			want = tc.msg + "\n\nRun '" + cmdPath + " --help' for usage\n"
		}
		for _, p := range []string{"--jq is only", "--jq-raw-output is only", "invalid jq", "failed to compile"} {
			if strings.HasPrefix(tc.msg, p) {
				want = "Error: " + tc.msg + "\n"
			}
		}
		if r.code != 1 || r.stderr != want || r.stdout != "" {
			t.Errorf("%v:\n%s\nwant stderr %q", tc.args, r, want)
		}
		if after := requests(w); after != before {
			t.Errorf("%v: %d requests reached Konnect before the error", tc.args, after-before)
		}
	}
	if n := len(w.emu.CreatedTokens()); n != 0 {
		t.Fatalf("%d tokens were created by invalid requests", n)
	}
	// Over RPC, the same rules: -32050 with every problem listed.
	var e *rpc.Error
	err := w.call("token/createSystemAccount", map[string]any{"format": map[string]any{"output": "json"}}, nil)
	if !errors.As(err, &e) || e.Code != rpc.CodeValidation {
		t.Fatalf("rpc validation: %v", err)
	}
	var data struct{ Problems []string }
	if json.Unmarshal(e.Data.(json.RawMessage), &data) != nil || len(data.Problems) != 3 {
		t.Fatalf("problems %s", e.Data)
	}
}

// TestStoreInKeychain: --store and --store-as-profile put the new token
// into the real Secret Service; the answer says where, and holds no token.
func TestStoreInKeychain(t *testing.T) {
	w := newWorld(t, worldOptions{configYAML: "default:\n  konnect:\n    base-url: {{URL}}\nci:\n  konnect:\n    base-url: {{URL}}\n"})
	cleanLogs(t, w)
	w.login("default")

	r := w.cli("", nil, "create", "pat", "--name", "deploy", "--expires-in", "30d", "--store", "deploy-bot", "-o", "json")
	var tc core.TokenCreated
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &tc) != nil || tc.Token != "" || strings.Contains(r.stdout, "kpat_") ||
		tc.Stored == nil || *tc.Stored != (core.Stored{Keychain: "system", Account: "token:deploy-bot"}) {
		t.Fatalf("store: %s", r)
	}
	secret, ok := w.keys.SecretToolLookup(t, "konnectd", "token:deploy-bot")
	if !ok || !patRE.MatchString(secret) {
		t.Fatal("secret-tool does not see a PAT under token:deploy-bot")
	}
	if c := w.emu.CreatedTokens(); len(c) != 1 || c[0].ID != tc.ID {
		t.Fatalf("created %+v", c)
	}

	r = w.cli("", nil, "create", "pat", "--name", "ci", "--expires-in", "30d", "--store-as-profile", "ci")
	if r.code != 0 || !regexp.MustCompile(`^Created pat "ci" \(`+uuidPattern+`\)\nstored: system keychain, account ci\n$`).MatchString(r.stdout) {
		t.Fatalf("store as profile: %s", r)
	}
	// The stored token is now profile ci's working credential.
	r = w.cli("", nil, "status", "-p", "ci")
	if r.code != 0 || !strings.Contains(r.stdout, "Authenticated: yes") || !strings.Contains(r.stdout, "Credential:    keychain") {
		t.Fatalf("status of the stored profile: %s", r)
	}
	if redact.Contains(r.stdout + r.stderr) {
		t.Fatal("status printed a token")
	}
}

// TestStoreFailureKeepsToken: the keychain is locked. It is checked
// before the POST, so nothing is created and nothing can be lost; a
// keychain that fails after the 201 is TestFailuresAfterCreateKeepTheSecret.
func TestStoreFailureKeepsToken(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	w.keys.Lock(t)
	env := []string{"KONGCTL_DEFAULT_KONNECT_PAT=" + w.emu.AdminToken()}
	r := w.cli("", env, "create", "pat", "--name", "kept", "--expires-in", "30d", "--store", "kept", "-o", "json")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "the keychain cannot store the new token, so it was not created: ") ||
		!strings.Contains(r.stderr, "the keychain is locked") {
		t.Fatalf("store into a locked keychain: %s", r)
	}
	if n := w.emu.Requests()["create-personal-access-token"]; n != 0 {
		t.Fatalf("%d creates reached Konnect with a locked keychain", n)
	}
	var e *rpc.Error
	err := w.call("token/createPersonal", map[string]any{"name": "kept", "expiresIn": "30d", "store": map[string]string{"name": "kept"}}, nil)
	if !errors.As(err, &e) || e.Code != rpc.CodeKeychain {
		t.Fatalf("rpc: %v, want %d", err, rpc.CodeKeychain)
	}
	if n := len(w.emu.CreatedTokens()); n != 0 {
		t.Fatalf("%d tokens created", n)
	}
}

// TestRotate: create, store, revoke; then a revoke that fails leaves the
// new token stored and usable and the old one active, and says so.
func TestRotate(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	w.login("default")
	var first core.TokenCreated
	if err := w.call("token/createPersonal", map[string]any{"name": "rot", "expiresIn": "30d", "store": map[string]string{"name": "rot"}}, &first); err != nil {
		t.Fatal(err)
	}
	var rr core.RotateResult
	if err := w.call("token/rotate", map[string]any{"kind": "pat", "id": first.ID, "expiresIn": "60d", "store": map[string]string{"name": "rot"}}, &rr); err != nil {
		t.Fatal(err)
	}
	if rr.OldAction != "revoked" || rr.Old.ID != first.ID || rr.New.Name != "rot" || rr.New.Token != "" || rr.New.Stored == nil {
		t.Fatalf("rotate %+v", rr)
	}
	secret, ok := w.keys.SecretToolLookup(t, "konnectd", "token:rot")
	if !ok || !patRE.MatchString(secret) {
		t.Fatal("the rotated token is not in the keychain")
	}
	states := map[string]string{}
	var list core.TokenList
	if err := w.call("token/list", map[string]any{"kind": "pat"}, &list); err != nil {
		t.Fatal(err)
	}
	for _, ti := range list.Data {
		states[ti.ID] = ti.State
	}
	if states[first.ID] != "REVOKED" || states[rr.New.ID] != "ACTIVE" {
		t.Fatalf("states after rotate: %v", states)
	}

	// The revoke fails: requests are list, create, revoke (userId given,
	// so no users/me), and every third answer is a 503.
	w.emu.SetFaults(emulator.Faults{ErrorEvery: 3})
	var e *rpc.Error
	err := w.call("token/rotate", map[string]any{"kind": "pat", "id": rr.New.ID, "userId": emulator.CharlieCruzID, "expiresIn": "30d", "store": map[string]string{"name": "rot"}}, nil)
	w.emu.SetFaults(emulator.Faults{})
	if !errors.As(err, &e) || e.Code != rpc.CodeOutcomeUnknown {
		t.Fatalf("rotate with a failing revoke: %v", err)
	}
	var data struct {
		Step    string
		State   string
		Created core.TokenCreated
	}
	if json.Unmarshal(e.Data.(json.RawMessage), &data) != nil || data.Step != "revoke old token" || data.Created.ID == "" ||
		data.Created.Stored == nil || !strings.Contains(data.State, "is still active") || !strings.Contains(data.State, "konnectd delete pat "+rr.New.ID) {
		t.Fatalf("state error data: %s", redact.String(string(e.Data.(json.RawMessage))))
	}
	if redact.Contains(e.Message) {
		t.Fatal("the error message holds a token")
	}
	newest, _ := w.keys.SecretToolLookup(t, "konnectd", "token:rot")
	if newest == secret || !patRE.MatchString(newest) {
		t.Fatal("the new token of the failed rotation is not in the keychain")
	}
	st := w.cli("", []string{"KONGCTL_DEFAULT_KONNECT_PAT=" + newest}, "call", "auth/status", "--jq", ".authenticated", "-r")
	if st.code != 0 || st.stdout != "true\n" {
		t.Fatalf("the stored new token does not work: %s", st)
	}
	if err := w.call("token/list", map[string]any{"kind": "pat"}, &list); err != nil {
		t.Fatal(err)
	}
	for _, ti := range list.Data {
		states[ti.ID] = ti.State
	}
	if states[rr.New.ID] != "ACTIVE" || states[data.Created.ID] != "ACTIVE" {
		t.Fatalf("states after the failed rotation: %v", states)
	}

	// A SPAT rotation deletes the old one; the new name gets a timestamp.
	r := w.cli("", nil, "create", "spat", "--name", "svc", "--system-account-name", "ci-deployer", "--expires-in", "30d", "-o", "json")
	var old core.TokenCreated
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &old) != nil {
		t.Fatalf("spat: %s", r)
	}
	var text core.Text
	if err := w.call("token/rotate", map[string]any{"kind": "spat", "systemAccountName": "ci-deployer", "name": "svc", "expiresIn": "30d", "format": map[string]string{"output": "text"}}, &text); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^Created spat "svc-\d{14}" \(` + uuidPattern + `\)\ntoken: spat_[A-Za-z0-9]+\nDeleted spat "svc" \(` + old.ID + `\)\n$`).MatchString(text.Text) {
		t.Fatalf("spat rotate text: %s", redact.String(text.Text))
	}
}

// TestDroppedCreate: Konnect commits the create and the connection drops.
// No retry (no duplicate), a message that says the token may exist and how
// to look, and token/list shows it.
func TestDroppedCreate(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	w.login("default")
	w.emu.SetFaults(emulator.Faults{DropAfterCommit: "create-personal-access-token"})
	r := w.cli("", nil, "create", "pat", "--name", "dropped", "--expires-in", "30d")
	w.emu.SetFaults(emulator.Faults{})
	if r.code != 1 || !strings.Contains(r.stderr, `the pat "dropped" may exist: check with 'konnectd get pats'`) || r.stdout != "" {
		t.Fatalf("dropped create: %s", r)
	}
	if n := w.emu.Requests()["create-personal-access-token"]; n != 1 {
		t.Fatalf("the create was sent %d times", n)
	}
	created := w.emu.CreatedTokens()
	if len(created) != 1 || created[0].Name != "dropped" {
		t.Fatalf("created %+v", created)
	}
	// The command the message names shows it.
	r = w.cli("", nil, "get", "pats")
	if r.code != 0 {
		t.Fatalf("get pats: %s", r)
	}
	text := core.Text{Text: r.stdout}
	if !regexp.MustCompile(`(?m)^dropped\s+pat\s+[0-9a-f]{4}…$`).MatchString(text.Text) || !regexp.MustCompile(`^NAME\s+TYPE  SYSTEM ACCOUNT ID  ID\n`).MatchString(text.Text) {
		t.Fatalf("token/list does not show the dropped token:\n%s", text.Text)
	}
	// And delete by name cleans it up, as kongctl prints it.
	r = w.cli("", nil, "delete", "pat", "dropped", "--auto-approve")
	if r.code != 0 || r.stdout != "Deleted pat \"dropped\"\n" {
		t.Fatalf("delete: %s", r)
	}
	var list core.TokenList
	if err := w.call("token/list", map[string]any{"kind": "pat"}, &list); err != nil || len(list.Data) != 1 || list.Data[0].Name == "dropped" {
		t.Fatalf("after delete (only the admin PAT should be left): %+v %v", list, err)
	}
	// A SPAT for an account given by id: the commands the message names
	// work as written, and find and delete the token.
	const ciDeployer = "a1b2c3d4-0001-4000-8000-000000000001"
	w.emu.SetFaults(emulator.Faults{DropAfterCommit: "post-system-accounts-id-access-tokens"})
	r = w.cli("", nil, "create", "spat", "--name", "dropped-spat", "--system-account-id", ciDeployer, "--expires-in", "30d")
	w.emu.SetFaults(emulator.Faults{})
	sel := " --system-account-id " + ciDeployer
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, `the spat "dropped-spat" may exist: check with 'konnectd get spats`+sel+`'`) ||
		!strings.Contains(r.stderr, `delete it with 'konnectd delete spat <id>`+sel+`'`) {
		t.Fatalf("dropped spat create: %s", r)
	}
	if n := w.emu.Requests()["post-system-accounts-id-access-tokens"]; n != 1 {
		t.Fatalf("the spat create was sent %d times", n)
	}
	r = w.cli("", nil, append([]string{"get", "spats"}, strings.Fields(sel)...)...)
	if r.code != 0 || !regexp.MustCompile(`(?m)^dropped-spat\s+spat\s+a1b2…\s+[0-9a-f]{4}…$`).MatchString(r.stdout) {
		t.Fatalf("get spats as the message says: %s", r)
	}
	r = w.cli("", nil, append([]string{"delete", "spat", "dropped-spat", "--auto-approve"}, strings.Fields(sel)...)...)
	if r.code != 0 || r.stdout != "Deleted spat \"dropped-spat\"\n" {
		t.Fatalf("delete spat as the message says: %s", r)
	}

	// kongctl prints an empty list as [] in json.
	if err := w.call("token/list", map[string]any{"kind": "spat", "systemAccountName": "terraform", "format": map[string]string{"output": "json"}}, &text); err != nil || text.Text != "[]\n" {
		t.Fatalf("empty list json: %q %v", text.Text, err)
	}
}

// TestListDeleteSPATAndFormats: token/list for SPATs by account name, get
// one by name, delete by id with json output.
func TestListDeleteSPATAndFormats(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	w.login("default")
	var tc core.TokenCreated
	if err := w.call("token/createSystemAccount", map[string]any{"name": "one", "systemAccountName": "terraform", "expiresIn": "30d"}, &tc); err != nil {
		t.Fatal(err)
	}
	var one output.TokenInfo
	if err := w.call("token/list", map[string]any{"kind": "spat", "systemAccountName": "terraform", "name": "one"}, &one); err != nil ||
		one.ID != tc.ID || one.SystemAccountName != "terraform" {
		t.Fatalf("get one: %+v %v", one, err)
	}
	var text core.Text
	if err := w.call("token/list", map[string]any{"kind": "spat", "systemAccountName": "terraform", "format": map[string]any{"jq": ".[].name", "rawOutput": true}}, &text); err != nil || text.Text != "one\n" {
		t.Fatalf("list jq: %q %v", text.Text, err)
	}
	r := w.cli("", nil, "delete", "spat", tc.ID, "--system-account-name", "terraform", "-o", "json", "--auto-approve")
	if r.code != 0 || r.stdout != fmt.Sprintf("{\n  \"type\": \"spat\",\n  \"id\": %q,\n  \"name\": \"one\",\n  \"status\": \"deleted\"\n}\n", tc.ID) {
		t.Fatalf("delete spat json: %s", r)
	}
	r = w.cli("yes\n", nil, "delete", "spat", "one", "--system-account-name", "terraform")
	if r.code != 1 || r.stderr != "Error: system account access token \"one\" not found\n" {
		t.Fatalf("delete again: %s", r)
	}
}

// TestLoginLogoutCLIAndCompletion: login reads stdin, logout prints
// kongctl's message, and -o / -p complete (profiles from the daemon).
func TestLoginLogoutCLIAndCompletion(t *testing.T) {
	w := newWorld(t, worldOptions{configYAML: teamConfig})
	cleanLogs(t, w)
	r := w.cli(w.emu.AdminToken()+"\n", nil, "login", "-p", "team-a")
	if r.code != 0 || r.stdout != "Logged in to Konnect organization \"Acme Co.\" as CharlieCruz@konghq.com; the pat is stored in the system keychain for profile \"team-a\"\n" {
		t.Fatalf("login: %s", r)
	}
	if r := w.cli("", nil, "login"); r.code != 2 || !strings.HasPrefix(r.stderr, "Error: no token given") {
		t.Fatalf("login without a token: %s", r)
	}
	r = w.cli("", nil, "status", "-p", "team-a")
	if r.code != 0 || !strings.Contains(r.stdout, "User:          Charlie Cruz <CharlieCruz@konghq.com>") {
		t.Fatalf("status: %s", r)
	}
	r = w.cli("", nil, "logout", "-p", "team-a")
	if r.code != 0 || r.stdout != "Removed stored Konnect credentials for profile \"team-a\"\n" {
		t.Fatalf("logout: %s", r)
	}
	r = w.cli("", nil, "logout", "-p", "team-a")
	if r.code != 0 || r.stdout != "No stored Konnect credentials found for profile \"team-a\"\n" {
		t.Fatalf("logout again: %s", r)
	}
	if r := w.cli("", nil, "status", "-p", "team-a"); r.code != 1 || !strings.Contains(r.stdout, "Authenticated: no") {
		t.Fatalf("status after logout: %s", r)
	}

	r = w.cli("", nil, "__complete", "create", "pat", "-o", "")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "json\nyaml\ntext\ntoken\nenv\n:4\n") {
		t.Fatalf("complete -o: %s", r)
	}
	r = w.cli("", nil, "__complete", "create", "spat", "-p", "")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "default\nteam-a\n:4\n") {
		t.Fatalf("complete -p: %s", r)
	}
	// With no daemon, completion offers nothing and starts none.
	r = run(t, "", []string{"KONNECTD_SOCKET=" + sockDir(t) + "/none.sock"}, "__complete", "delete", "pat", "x", "-p", "")
	if r.code != 0 || !strings.HasPrefix(r.stdout, ":4\n") {
		t.Fatalf("complete -p without a daemon: %s", r)
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		if r := w.cli("", nil, "completion", shell); r.code != 0 || !strings.Contains(r.stdout, "konnectd") {
			t.Fatalf("completion %s: %s", shell, r)
		}
	}
}

// TestSystemAccountNameAmbiguous: two system accounts answer
// filter[name][eq]: kongctl's message, and no token is created.
func TestSystemAccountNameAmbiguous(t *testing.T) {
	const owner = "c0000001-0000-4000-8000-000000000001"
	seed := `{"organization":{"id":"c0000000-0000-4000-8000-000000000000","name":"Twins","owner_id":"` + owner + `","login_path":"twins","state":"active","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"},
"users":[{"id":"` + owner + `","email":"o@example.com","full_name":"O","active":true,"created_at":"2024-01-01T00:00:00Z"}],
"system_accounts":[
 {"id":"c0000002-0000-4000-8000-000000000001","name":"twin","description":"one","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"},
 {"id":"c0000002-0000-4000-8000-000000000002","name":"twin","description":"two","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}]}`
	w := newWorld(t, worldOptions{emu: emulator.Options{Seed: strings.NewReader(seed)}})
	cleanLogs(t, w)
	w.login("default")
	for _, args := range [][]string{
		{"create", "spat", "--name", "ci", "--system-account-name", "twin", "--expires-in", "30d"},
		{"get", "spats", "--system-account-name", "twin"},
	} {
		r := w.cli("", nil, args...)
		if r.code != 1 || r.stderr != "Error: multiple system accounts found with name \"twin\"; use --system-account-id\n" || r.stdout != "" {
			t.Fatalf("%v: %s", args, r)
		}
	}
	if n := len(w.emu.CreatedTokens()); n != 0 {
		t.Fatalf("%d tokens created for an ambiguous account name", n)
	}
}

// TestRotateFailures: a rotation whose create fails changes nothing and
// says so; one whose keychain write fails hands the new token back (its
// only copy) and leaves the old one working.
func TestRotateFailures(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	w.login("default")
	var old core.TokenCreated
	if err := w.call("token/createPersonal", map[string]any{"name": "keep", "expiresIn": "30d"}, &old); err != nil {
		t.Fatal(err)
	}
	rotate := map[string]any{"kind": "pat", "id": old.ID, "userId": emulator.CharlieCruzID, "expiresIn": "30d", "store": map[string]string{"name": "keep"}}
	stateOf := func(err error) (code int64, step, state string, created core.TokenCreated) {
		t.Helper()
		var e *rpc.Error
		if !errors.As(err, &e) {
			t.Fatalf("rotate: want an RPC error, got %v", err)
		}
		if redact.Contains(e.Message) {
			t.Fatal("the error message holds a token")
		}
		var data struct {
			Step    string
			State   string
			Created core.TokenCreated
		}
		json.Unmarshal(e.Data.(json.RawMessage), &data)
		return e.Code, data.Step, data.State, data.Created
	}
	active := func() map[string]string {
		t.Helper()
		var list core.TokenList
		if err := w.call("token/list", map[string]any{"kind": "pat"}, &list); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, ti := range list.Data {
			m[ti.ID] = ti.State
		}
		return m
	}
	before := len(w.emu.CreatedTokens())

	// The create is answered 503 (list, then create: every second answer
	// 503). A 5xx to a create may come after the upstream committed, so
	// the new token may exist: the old one is untouched, and the state
	// says so rather than "nothing changed".
	w.emu.SetFaults(emulator.Faults{ErrorEvery: 2})
	err := w.call("token/rotate", rotate, nil)
	w.emu.SetFaults(emulator.Faults{})
	code, step, state, created := stateOf(err)
	if step != "create" || created.ID != "" || !strings.Contains(state, "the old pat \"keep\" ("+old.ID+") is untouched and still works; a new pat \"keep\" may have been created") || code != -32011 {
		t.Fatalf("failed create: code %d step %q state %q", code, step, state)
	}
	if n := len(w.emu.CreatedTokens()); n != before {
		t.Fatalf("%d tokens created by a refused create", n-before)
	}
	if n := w.emu.Requests()["create-personal-access-token"]; n != 2 {
		t.Fatalf("create sent %d times in all, want 2 (one create, one refused rotation, no retry)", n)
	}

	// The keychain is locked (the credential comes from the environment):
	// found before the create, so nothing changes and the old one works.
	w.keys.Lock(t)
	params, _ := json.Marshal(rotate)
	r := w.cli("", []string{"KONGCTL_DEFAULT_KONNECT_PAT=" + w.emu.AdminToken()}, "call", "token/rotate", string(params))
	if r.code != 1 || !strings.Contains(r.stderr, "the keychain cannot store the new token, so it was not created") ||
		!strings.Contains(r.stderr, "nothing changed: the old pat \"keep\" ("+old.ID+") still works") || r.stdout != "" {
		t.Fatalf("rotate into a locked keychain: %s", r)
	}
	w.keys.Unlock(t)
	if n := len(w.emu.CreatedTokens()); n != before {
		t.Fatalf("%d tokens created by a rotation refused before its create", n-before)
	}
	if s := active(); s[old.ID] != "ACTIVE" {
		t.Fatalf("states after the refused rotation: %v", s)
	}
}
