package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/konnect/emulator"
)

// agent is an MCP client session with a "konnectd mcp" child, as an agent
// host runs one. Every tool result it sees is recorded, so a test can
// check afterwards that no token value reached "the model".
type agent struct {
	t       *testing.T
	s       *sdk.ClientSession
	stderr  *lockedBuffer
	mu      sync.Mutex
	results []string
}

// startAgent spawns "konnectd mcp" in w's environment (its private keyring
// and config file) with extra flags, and connects the SDK's own client.
// version "" means the SDK's newest protocol.
func startAgent(t *testing.T, w *world, version string, args ...string) *agent {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"mcp", "--config-file", w.config}, args...)...)
	cmd.Env = append(os.Environ(), w.env...)
	a := &agent{t: t, stderr: &lockedBuffer{}}
	cmd.Stderr = a.stderr
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := sdk.NewClient(&sdk.Implementation{Name: "konnectd-e2e", Version: "1"}, nil)
	s, err := c.Connect(ctx, &sdk.CommandTransport{Command: cmd}, &sdk.ClientSessionOptions{ProtocolVersion: version})
	if err != nil {
		t.Fatalf("connect: %v\n%s", err, redact.String(a.stderr.String()))
	}
	a.s = s
	t.Cleanup(func() {
		s.Close()
		if redact.Contains(a.stderr.String()) {
			t.Errorf("konnectd mcp logged a secret:\n%s", redact.String(a.stderr.String()))
		}
	})
	return a
}

// tools lists the server's tools by name.
func (a *agent) tools() map[string]*sdk.Tool {
	a.t.Helper()
	res, err := a.s.ListTools(context.Background(), nil)
	if err != nil {
		a.t.Fatal(err)
	}
	m := map[string]*sdk.Tool{}
	for _, tl := range res.Tools {
		m[tl.Name] = tl
	}
	return m
}

// call runs a tool and returns its result; a protocol error fails the
// test. The result's JSON is recorded for the secrets sweep.
func (a *agent) call(name string, args any) *sdk.CallToolResult {
	a.t.Helper()
	res, err := a.callErr(name, args)
	if err != nil {
		a.t.Fatalf("%s: protocol error: %v", name, err)
	}
	return res
}

func (a *agent) callErr(name string, args any) (*sdk.CallToolResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := a.s.CallTool(ctx, &sdk.CallToolParams{Name: name, Arguments: args})
	if res != nil {
		b, _ := json.Marshal(res)
		a.mu.Lock()
		a.results = append(a.results, string(b))
		a.mu.Unlock()
	}
	return res, err
}

// ok runs a tool that must succeed and decodes its structured content
// into out, checking that the text copy says the same.
func (a *agent) ok(name string, args, out any) {
	a.t.Helper()
	res := a.call(name, args)
	if res.IsError {
		a.t.Fatalf("%s: isError: %s", name, redact.String(text(res)))
	}
	sc, err := json.Marshal(res.StructuredContent)
	if err != nil {
		a.t.Fatal(err)
	}
	var fromText, fromStruct any
	if err := json.Unmarshal([]byte(text(res)), &fromText); err != nil {
		a.t.Fatalf("%s: the text copy is not JSON: %v", name, err)
	}
	json.Unmarshal(sc, &fromStruct)
	if !jsonEqual(fromText, fromStruct) {
		a.t.Fatalf("%s: text copy and structuredContent differ", name)
	}
	if out != nil {
		if err := json.Unmarshal(sc, out); err != nil {
			a.t.Fatalf("%s: decode: %v", name, err)
		}
	}
}

// fails runs a tool that must fail as a tool result and returns its text.
func (a *agent) fails(name string, args any) string {
	a.t.Helper()
	res := a.call(name, args)
	if !res.IsError {
		a.t.Fatalf("%s %v: want isError, got %s", name, args, redact.String(text(res)))
	}
	if res.StructuredContent != nil {
		a.t.Fatalf("%s: an error result carries structuredContent", name)
	}
	return text(res)
}

// assertNoSecrets checks every result this agent saw.
func (a *agent) assertNoSecrets(values ...string) {
	a.t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.results) == 0 {
		a.t.Fatal("no results recorded")
	}
	for _, r := range a.results {
		if redact.Contains(r) {
			a.t.Errorf("a tool result holds a token value: %s", redact.String(r))
		}
		for _, v := range values {
			if v != "" && strings.Contains(r, v) {
				a.t.Errorf("a tool result holds a created token's value")
			}
		}
	}
}

func text(res *sdk.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*sdk.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

var (
	readTools  = []string{"jq", "konnect_get", "list_assigned_roles", "list_stored", "list_system_accounts", "list_teams", "list_tokens", "list_users", "organization", "whoami"}
	writeTools = []string{"create_pat", "create_spat", "delete_token", "forget_stored", "konnect_request", "rotate_token"}
)

func TestMCPToolsListAndProtocolVersions(t *testing.T) {
	w := newWorld(t, worldOptions{})
	for _, v := range []string{"2025-11-25", ""} {
		ro := startAgent(t, w, v)
		got := ro.s.InitializeResult().ProtocolVersion
		if want := v; want != "" && got != want {
			t.Fatalf("negotiated %q, want %q", got, want)
		}
		t.Logf("client asked for %q, server speaks %q", v, got)
		names := slices.Sorted(func(yield func(string) bool) {
			for n := range ro.tools() {
				if !yield(n) {
					return
				}
			}
		})
		if !slices.Equal(names, readTools) {
			t.Fatalf("read-only server offers %v, want %v", names, readTools)
		}
	}
	if got := startAgent(t, w, "").s.InitializeResult().ProtocolVersion; got != "2026-07-28" {
		t.Fatalf("the SDK's newest protocol: server speaks %q, want 2026-07-28", got)
	}

	rw := startAgent(t, w, "2025-11-25", "--allow-write")
	tools := rw.tools()
	for _, n := range readTools {
		tl := tools[n]
		if tl == nil || tl.Annotations == nil || !tl.Annotations.ReadOnlyHint || tl.OutputSchema == nil {
			t.Fatalf("%s: missing, or not annotated read-only with an output schema: %+v", n, tl)
		}
	}
	for _, n := range writeTools {
		tl := tools[n]
		if tl == nil || tl.Annotations == nil || tl.Annotations.ReadOnlyHint || tl.Annotations.DestructiveHint == nil || tl.OutputSchema == nil {
			t.Fatalf("%s: missing or mis-annotated: %+v", n, tl)
		}
		if want := n == "rotate_token" || n == "delete_token" || n == "forget_stored" || n == "konnect_request"; *tl.Annotations.DestructiveHint != want {
			t.Fatalf("%s: destructiveHint %v, want %v", n, *tl.Annotations.DestructiveHint, want)
		}
	}
	// Without --allow-write the write tools do not exist: calling one is
	// an unknown tool, a protocol error.
	ro := startAgent(t, w, "2025-11-25")
	if _, err := ro.callErr("create_pat", map[string]any{"name": "x", "expires_in": "1d"}); err == nil || !strings.Contains(err.Error(), "unknown tool") {
		t.Fatalf("create_pat on a read-only server: %v", err)
	}
}

func TestMCPReadTools(t *testing.T) {
	w := newWorld(t, worldOptions{})
	a := startAgent(t, w, "")
	// Not logged in yet: whoami says so, and what the user must do.
	if msg := a.fails("whoami", nil); !strings.Contains(msg, "konnectd login") {
		t.Fatalf("whoami before login: %s", msg)
	}
	w.login("default")

	var me struct {
		Authenticated bool
		Source        string
		User          struct{ ID, Email string }
		Organization  struct{ Name string }
	}
	a.ok("whoami", nil, &me)
	if !me.Authenticated || me.Source != "keychain" || me.User.ID != emulator.CharlieCruzID || me.Organization.Name != "Acme Co." {
		t.Fatalf("whoami: %+v", me)
	}
	var org struct{ ID, Name string }
	a.ok("organization", map[string]any{}, &org)
	if org.ID != emulator.OrganizationID {
		t.Fatalf("organization: %+v", org)
	}

	type list struct {
		Data []struct{ ID, Email, Name string }
		Meta struct{ Total, Returned int }
		// Result is jq's answer.
		Result json.RawMessage
	}
	// Both filter forms, as in kongctl: the query string and the object.
	for _, f := range []any{"filter[full_name][contains]=Cruz", map[string]any{"full_name": map[string]any{"contains": "Cruz"}}} {
		var l list
		a.ok("list_users", map[string]any{"filter": f}, &l)
		if l.Meta.Returned != 2 || len(l.Data) != 2 || !strings.Contains(l.Data[0].Email+l.Data[1].Email, "AlexCruz@") {
			t.Fatalf("list_users %v: %+v", f, l)
		}
	}
	var l list
	a.ok("list_users", map[string]any{"jq": "map(.email) | sort", "limit": 2}, &l)
	if l.Data != nil || string(l.Result) != `["AlexCruz@konghq.com","CharlieCruz@konghq.com"]` {
		t.Fatalf("list_users with jq and limit: %+v %s", l, l.Result)
	}
	a.ok("list_teams", map[string]any{"filter": "filter[name][eq]=Platform"}, &l)
	if len(l.Data) != 1 || l.Data[0].Name != "Platform" {
		t.Fatalf("list_teams: %+v", l)
	}
	a.ok("list_system_accounts", nil, &l)
	if len(l.Data) != 3 {
		t.Fatalf("list_system_accounts: %+v", l)
	}
	var roles struct {
		Data []struct {
			RoleName string `json:"role_name"`
		}
	}
	a.ok("list_assigned_roles", map[string]any{"user_id": me.User.ID}, &roles)
	if len(roles.Data) != 1 || roles.Data[0].RoleName != "Admin" {
		t.Fatalf("list_assigned_roles: %+v", roles)
	}
	var toks struct{ Data []struct{ Type, Name string } }
	a.ok("list_tokens", map[string]any{"kind": "pat"}, &toks)
	if toks.Data == nil {
		t.Fatalf("list_tokens: %+v", toks)
	}
	var jqOut struct{ Result any }
	a.ok("jq", map[string]any{"expression": "[.[] | select(.active)] | length", "input": []any{map[string]any{"active": true}, map[string]any{"active": false}}}, &jqOut)
	if jqOut.Result != float64(1) {
		t.Fatalf("jq: %+v", jqOut)
	}

	// Failures are tool results the model can act on.
	if msg := a.fails("jq", map[string]any{"expression": ".[", "input": 1}); !strings.Contains(msg, "invalid jq expression") || !strings.Contains(msg, "Fix the jq expression") {
		t.Fatalf("bad jq: %s", msg)
	}
	if msg := a.fails("list_users", map[string]any{"jq": "map(.email"}); !strings.Contains(msg, "jq") {
		t.Fatalf("bad jq on a list: %s", msg)
	}
	if msg := a.fails("list_users", map[string]any{"filter": "email[like]=x"}); !strings.Contains(msg, "like") {
		t.Fatalf("bad filter: %s", msg)
	}
	if msg := a.fails("whoami", map[string]any{"profile": "nope"}); !strings.Contains(msg, "Configured profiles: default") {
		t.Fatalf("unknown profile: %s", msg)
	}
	if msg := a.fails("list_assigned_roles", map[string]any{"user_id": "x", "team_id": "y"}); !strings.Contains(msg, "exactly one") {
		t.Fatalf("two subjects: %s", msg)
	}
	if msg := a.fails("list_users", map[string]any{"filtr": "x"}); !strings.Contains(msg, "filtr") {
		t.Fatalf("unknown argument: %s", msg)
	}
	if _, err := a.callErr("no_such_tool", nil); err == nil {
		t.Fatal("an unknown tool must be a protocol error")
	}
	// A jq expression that echoes a token-shaped value is withheld: the
	// last line of defence holds even for the local tool.
	if msg := a.fails("jq", map[string]any{"expression": ".t", "input": map[string]any{"t": "kpat_" + strings.Repeat("e", 49)}}); !strings.Contains(msg, "withheld") {
		t.Fatalf("echoed token: %s", redact.String(msg))
	}
	// So is a transform of the credential the server holds (it built a
	// Konnect client with it above), shape or no shape.
	for _, expr := range []string{`.t[5:]`, `.t | @base64`, `.t | explode`, `.t | ascii_upcase | .[3:]`} {
		// a.call, not a.fails: a failure must not print the input.
		if res := a.call("jq", map[string]any{"expression": expr, "input": map[string]any{"t": w.emu.AdminToken()}}); !res.IsError || !strings.Contains(text(res), "withheld") {
			t.Fatalf("jq %s of the credential was not withheld", expr)
		}
	}
	a.assertNoSecrets(w.emu.AdminToken())
}

func TestMCPCreateStoresSecretsOutOfContext(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	a := startAgent(t, w, "2025-11-25", "--allow-write")

	// Default destination: the keychain, under the token's name.
	type created struct {
		Type, ID, Name, Token, Where string
		Stored                       struct{ Keychain, Account string }
	}
	var c created
	a.ok("create_pat", map[string]any{"name": "agent-ci", "expires_in": "30d"}, &c)
	if c.Type != "pat" || c.ID == "" || c.Token != "" || c.Stored.Account != "token:agent-ci" || !strings.Contains(c.Where, "token:agent-ci") {
		t.Fatalf("create_pat: %+v", c)
	}
	secret, ok := w.keys.SecretToolLookup(t, "konnectd", "token:agent-ci")
	if !ok || !strings.HasPrefix(secret, "kpat_") {
		t.Fatal("secret-tool does not see the new PAT under token:agent-ci")
	}

	// A system account token, stored under a name the agent chose.
	c = created{}
	a.ok("create_spat", map[string]any{"name": "deploy", "system_account_name": "ci-deployer", "expires_in": "7d", "store_name": "ci"}, &c)
	spat, ok := w.keys.SecretToolLookup(t, "konnectd", "token:ci")
	if c.Type != "spat" || c.Token != "" || !ok || !strings.HasPrefix(spat, "spat_") {
		t.Fatalf("create_spat: %+v (stored: %v)", c, ok)
	}

	// A file the user named: created 0600, never overwritten.
	file := filepath.Join(t.TempDir(), "token")
	c = created{}
	a.ok("create_pat", map[string]any{"name": "to-file", "expires_in": "1d", "file": file}, &c)
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", st, err)
	}
	b, _ := os.ReadFile(file)
	if !strings.HasPrefix(string(b), "kpat_") || c.Token != "" || !strings.Contains(c.Where, file) {
		t.Fatalf("create_pat to a file: %+v", c)
	}
	before := len(w.emu.CreatedTokens())
	if msg := a.fails("create_pat", map[string]any{"name": "again", "expires_in": "1d", "file": file}); !strings.Contains(msg, "already exists") {
		t.Fatalf("existing file: %s", msg)
	}
	if len(w.emu.CreatedTokens()) != before {
		t.Fatal("a refused destination still created a token")
	}

	// Rotation: the new value goes to the keychain, the old PAT is revoked.
	var r struct {
		New       struct{ ID, Token, Where string }
		Old       struct{ ID string }
		OldAction string `json:"old_action"`
	}
	a.ok("rotate_token", map[string]any{"kind": "pat", "name": "agent-ci", "expires_in": "30d"}, &r)
	rotated, _ := w.keys.SecretToolLookup(t, "konnectd", "token:agent-ci")
	if r.OldAction != "revoked" || r.New.Token != "" || rotated == secret || !strings.HasPrefix(rotated, "kpat_") {
		t.Fatalf("rotate_token: %+v", r)
	}
	var d struct{ Status string }
	a.ok("delete_token", map[string]any{"kind": "pat", "id": r.Old.ID}, &d)
	if d.Status != "deleted" {
		t.Fatalf("delete_token: %+v", d)
	}
	// Konnect failures are tool results: an expiry Konnect cannot take.
	if msg := a.fails("create_pat", map[string]any{"name": "x", "expires_in": "400d"}); !strings.Contains(msg, "365") {
		t.Fatalf("bad expiry: %s", msg)
	}
	// Every listing and every answer after all that: still no value.
	a.ok("list_tokens", map[string]any{"kind": "pat"}, nil)
	a.ok("list_tokens", map[string]any{"kind": "spat", "system_account_name": "ci-deployer"}, nil)
	a.ok("whoami", nil, nil)
	a.assertNoSecrets(secret, spat, rotated, string(b), w.emu.AdminToken())
}

func TestMCPRevealSecrets(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	a := startAgent(t, w, "", "--allow-write", "--reveal-secrets")
	var c struct{ Token, Where string }
	a.ok("create_pat", map[string]any{"name": "shown", "expires_in": "1d"}, &c)
	if !strings.HasPrefix(c.Token, "kpat_") || !strings.Contains(c.Where, "not stored") {
		t.Fatalf("create_pat with --reveal-secrets: token shown %v, where %q", strings.HasPrefix(c.Token, "kpat_"), c.Where)
	}
	if _, ok := w.keys.SecretToolLookup(t, "konnectd", "token:shown"); ok {
		t.Fatal("a revealed token was stored too")
	}
	// The sweep the other tests rely on does see a value when one is there.
	a.mu.Lock()
	seen := redact.Contains(strings.Join(a.results, "\n"))
	a.mu.Unlock()
	if !seen {
		t.Fatal("the recorded results do not show the revealed token")
	}
	// Asked for the keychain, the value stays out even here.
	var kept struct{ Token, Where string }
	a.ok("create_pat", map[string]any{"name": "kept", "expires_in": "1d", "store_name": "kept"}, &kept)
	if kept.Token != "" || !strings.Contains(kept.Where, "token:kept") {
		t.Fatal("a stored token was also returned")
	}
}

// TestMCPLimits checks the caps an agent host can run into: a runaway jq
// expression stops at jq's deadline, a result over --max-result is a tool
// error that leaves the session usable, and a message over
// --max-message-size ends the session with an error that names the flag.
func TestMCPLimits(t *testing.T) {
	w := newWorld(t, worldOptions{})
	a := startAgent(t, w, "", "--max-result", "4000")

	if msg := a.fails("jq", map[string]any{"expression": "last(range(1e15))"}); !strings.Contains(msg, "timed out") {
		t.Fatalf("runaway jq: %s", msg)
	}
	big := strings.Repeat("a", 8000)
	if msg := a.fails("jq", map[string]any{"expression": ".", "input": big}); !strings.Contains(msg, "--max-result") || !strings.Contains(msg, "Narrow it") {
		t.Fatalf("result over --max-result: %s", msg)
	}
	var out struct{ Result any }
	a.ok("jq", map[string]any{"expression": "length", "input": big}, &out)
	if out.Result != float64(len(big)) {
		t.Fatalf("the session after a capped result: %+v", out)
	}

	// The transport cannot skip an oversized message, so the session ends;
	// konnectd says why, and exits non-zero.
	init := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}` + "\n" +
		`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n"
	call := `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"jq","arguments":{"expression":".","input":"` + big + `"}}}` + "\n"
	r := w.cli(init+call, nil, "mcp", "--config-file", w.config, "--max-message-size", "4096")
	if r.code != 1 || !strings.Contains(r.stderr, "over --max-message-size (4096 bytes)") || strings.Contains(r.stdout, `"id":2`) {
		t.Fatalf("oversized message: %s", r)
	}
	a.assertNoSecrets(w.emu.AdminToken())
}

// TestMCPKonnectErrors: answers Konnect refuses are tool results with
// advice, and a rejected credential is not echoed to the model or the log.
func TestMCPKonnectErrors(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	a := startAgent(t, w, "", "--allow-write")
	// 404: a token id that does not exist.
	if msg := a.fails("delete_token", map[string]any{"kind": "pat", "id": "00000000-0000-4000-8000-000000000000"}); !strings.Contains(msg, "not found") || !strings.Contains(msg, "list the items first") {
		t.Fatalf("delete of a missing token: %s", msg)
	}
	a.assertNoSecrets(w.emu.AdminToken())

	// 401: a well-formed token Konnect does not know, from the environment.
	revoked := "kpat_" + strings.Repeat("R", 49)
	bad := *w
	bad.env = append(slices.Clone(w.env), "KONGCTL_DEFAULT_KONNECT_PAT="+revoked)
	b := startAgent(t, &bad, "")
	if msg := b.fails("organization", nil); !strings.Contains(msg, "Konnect rejected the credential") || !strings.Contains(msg, "konnectd login") {
		t.Fatalf("rejected credential: %s", redact.String(msg))
	}
	b.assertNoSecrets(revoked, w.emu.AdminToken())
}
