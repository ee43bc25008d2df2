package e2e

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// rawMCP is "konnectd mcp" spoken to line by line, for what the SDK's
// client would not send (a request before initialize) or would hide (the
// error code).
type rawMCP struct {
	t    *testing.T
	send func(line string)
	out  *bufio.Scanner
}

func startRawMCP(t *testing.T, w *world) *rawMCP {
	t.Helper()
	cmd := exec.Command(bin, "mcp", "--config-file", w.config)
	cmd.Env = append(os.Environ(), w.env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = &lockedBuffer{}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	timer := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	t.Cleanup(func() { timer.Stop() })
	sc := bufio.NewScanner(stdout)
	sc.Buffer(nil, 1<<20)
	r := &rawMCP{t: t, out: sc}
	r.send = func(line string) {
		if _, err := stdin.Write([]byte(line + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// rawReply is one JSON-RPC response.
type rawReply struct {
	ID     int             `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// call sends a request and reads lines until its reply.
func (r *rawMCP) call(id int, method, params string) rawReply {
	r.t.Helper()
	msg := `{"jsonrpc":"2.0","id":` + strings.TrimSpace(jsonInt(id)) + `,"method":"` + method + `"`
	if params != "" {
		msg += `,"params":` + params
	}
	r.send(msg + "}")
	for r.out.Scan() {
		var rep rawReply
		if json.Unmarshal(r.out.Bytes(), &rep) == nil && rep.ID == id && (rep.Result != nil || rep.Error != nil) {
			return rep
		}
	}
	r.t.Fatalf("no reply to %s (id %d): %v", method, id, r.out.Err())
	return rawReply{}
}

func jsonInt(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestMCPProtocolEdges: a request before initialize gets a JSON-RPC error
// code (not 0); methods of capabilities the server does not advertise
// (prompts) are "method not found", not empty answers; the one
// resource is listed.
func TestMCPProtocolEdges(t *testing.T) {
	w := newWorld(t, worldOptions{})
	r := startRawMCP(t, w)
	early := r.call(1, "tools/list", "")
	if early.Error == nil || early.Error.Code != -32600 || !strings.Contains(early.Error.Message, `send "initialize" first`) {
		t.Errorf("tools/list before initialize: %+v", early.Error)
	}
	init := r.call(2, "initialize", `{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}`)
	// Tools and one resource (the stored tokens' expiry, issue 17); no prompts.
	if init.Error != nil || !strings.Contains(string(init.Result), `"resources"`) || strings.Contains(string(init.Result), `"prompts"`) {
		t.Fatalf("initialize: %s %+v", init.Result, init.Error)
	}
	r.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	for i, m := range []string{"prompts/list"} {
		rep := r.call(10+i, m, "")
		if rep.Error == nil || rep.Error.Code != -32601 {
			t.Errorf("%s: want -32601, got %s %+v", m, rep.Result, rep.Error)
		}
	}
	if rep := r.call(15, "resources/list", ""); rep.Error != nil || !strings.Contains(string(rep.Result), "konnectd://tokens/expiry") {
		t.Errorf("resources/list: %s %+v", rep.Result, rep.Error)
	}
	tl := r.call(20, "tools/list", "")
	var tools struct {
		Tools []struct {
			Name, Title string
		}
	}
	if err := json.Unmarshal(tl.Result, &tools); err != nil || len(tools.Tools) == 0 {
		t.Fatalf("tools/list after initialize: %v %+v", err, tl.Error)
	}
	for _, tool := range tools.Tools {
		if tool.Title == "" {
			t.Errorf("tool %s has no top-level title", tool.Name)
		}
	}
}

// TestMCPArgumentsInPlainWords: schema failures name the argument in plain
// words (not the SDK's "<invalid reflect.Value>"), limit has a minimum,
// the one-subject rule of list_assigned_roles is in the schema, a filter
// of the wrong type is an error, list_tokens has meta, and the advice for
// an unknown profile is konnectd login.
func TestMCPArgumentsInPlainWords(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	a := startAgent(t, w, "")
	for _, c := range []struct {
		tool  string
		args  map[string]any
		wants []string
	}{
		{"list_users", map[string]any{"limit": nil}, []string{`argument "limit" is null`, "leave it out"}},
		{"list_users", map[string]any{"limit": 0}, []string{`argument "limit" must be at least 1`}},
		{"list_users", map[string]any{"filter": nil}, []string{`argument "filter" is null`, "a string or an object"}},
		{"list_users", map[string]any{"filtr": "x"}, []string{`unknown argument "filtr"`}},
		{"list_users", map[string]any{"filter": map[string]any{"email": map[string]any{"contains": 5}}}, []string{"email.contains takes a string"}},
		{"list_users", map[string]any{"filter": "filter[active]=maybe"}, []string{`"active"`, "boolean"}},
		{"list_assigned_roles", map[string]any{"user_id": "a", "team_id": "b"}, []string{"exactly one of user_id, team_id or system_account_id"}},
		{"list_assigned_roles", map[string]any{}, []string{"exactly one of user_id, team_id or system_account_id"}},
		{"list_tokens", map[string]any{"kind": "x"}, []string{`argument "kind" must be one of: pat, spat`}},
		{"whoami", map[string]any{"profile": "nope"}, []string{"konnectd login --profile nope"}},
	} {
		msg := a.fails(c.tool, c.args)
		for _, want := range c.wants {
			if !strings.Contains(msg, want) {
				t.Errorf("%s %v: want %q in:\n%s", c.tool, c.args, want, msg)
			}
		}
		if strings.Contains(msg, "reflect") || strings.Contains(msg, "kongctl login") {
			t.Errorf("%s %v: raw SDK text or kongctl advice:\n%s", c.tool, c.args, msg)
		}
	}
	var tokens struct {
		Data []any
		Meta struct{ Total, Returned int }
	}
	a.ok("list_tokens", map[string]any{"kind": "pat"}, &tokens)
	if len(tokens.Data) == 0 || tokens.Meta.Returned != len(tokens.Data) || tokens.Meta.Total < tokens.Meta.Returned {
		t.Errorf("list_tokens meta: %+v", tokens)
	}
	a.assertNoSecrets(w.emu.AdminToken())
}

// TestMCPWhoamiSaysWhy: whoami's failure says which one it is, as status
// does: here a token Konnect rejects, from the environment.
func TestMCPWhoamiSaysWhy(t *testing.T) {
	w := newWorld(t, worldOptions{})
	bad := *w
	bad.env = append(append([]string{}, w.env...), "KONGCTL_DEFAULT_KONNECT_PAT=kpat_"+strings.Repeat("R", 49))
	a := startAgent(t, &bad, "")
	msg := a.fails("whoami", nil)
	if !strings.Contains(msg, "Konnect rejected the token from env (KONGCTL_DEFAULT_KONNECT_PAT)") || !strings.Contains(msg, "replace or unset it") {
		t.Errorf("whoami with a rejected token: %s", msg)
	}
	a.assertNoSecrets(w.emu.AdminToken())
}
