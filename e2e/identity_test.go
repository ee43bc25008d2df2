package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/konnect/emulator"
	"github.com/konnectd/konnectd/rpc"
)

// identityCases are the six identity methods with params that answer
// something in the emulator's default organization, and the CLI verb that
// calls each.
var identityCases = []struct {
	method string
	params map[string]any
	cli    []string
	list   bool
	want   string // a value the answer must contain
}{
	{"identity/me", nil, []string{"get", "me"}, false, "CharlieCruz@konghq.com"},
	{"identity/organization", nil, []string{"get", "organization"}, false, "Acme Co."},
	{"identity/listUsers", map[string]any{}, []string{"get", "users"}, true, "Alex Garcia"},
	{"identity/listTeams", map[string]any{}, []string{"get", "teams"}, true, "API Developers"},
	{"identity/listSystemAccounts", map[string]any{}, []string{"get", "system-accounts"}, true, "terraform"},
	{"identity/listAssignedRoles", map[string]any{"userId": emulator.AlexCruzID}, []string{"get", "assigned-roles", "--user-id", emulator.AlexCruzID}, true, "eu"}, // kongctl's table: ENTITY REGION, ID
}

func withFormat(params map[string]any, f *core.Format) map[string]any {
	out := map[string]any{}
	for k, v := range params {
		out[k] = v
	}
	if f != nil {
		out["format"] = f
	}
	return out
}

// TestIdentityEveryMethodEveryFormat calls each method without a format
// (the JSON value) and with each output, over RPC and through the CLI verb,
// which must print exactly the daemon's text.
func TestIdentityEveryMethodEveryFormat(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	for _, tc := range identityCases {
		t.Run(tc.method, func(t *testing.T) {
			var raw json.RawMessage
			if err := w.call(tc.method, withFormat(tc.params, nil), &raw); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(raw), tc.want) {
				t.Errorf("value lacks %q: %s", tc.want, raw)
			}
			if tc.list {
				var l core.List
				if err := json.Unmarshal(raw, &l); err != nil || len(l.Data) == 0 || l.Meta.Returned != len(l.Data) || l.Meta.Total < len(l.Data) {
					t.Errorf("listing shape: %s (%v)", raw, err)
				}
			}
			id := ".id"
			if tc.list {
				id = ".[0].id"
			}
			for _, f := range []struct {
				format core.Format
				flags  []string
				check  func(string) error
			}{
				{core.Format{}, nil, func(s string) error {
					if !strings.Contains(s, "ID") || !strings.Contains(s, tc.want) {
						return errors.New("no table")
					}
					return nil
				}},
				{core.Format{Output: "json"}, []string{"-o", "json"}, func(s string) error {
					var v any
					return json.Unmarshal([]byte(s), &v)
				}},
				{core.Format{Output: "yaml"}, []string{"-o", "yaml"}, func(s string) error {
					var v any
					return yaml.Unmarshal([]byte(s), &v)
				}},
				{core.Format{Output: "json", JQ: &id, RawOutput: true}, []string{"-o", "json", "--jq", id, "-r"}, func(s string) error {
					if strings.Count(s, "-") != 4 || strings.Contains(s, `"`) {
						return errors.New("not one raw id")
					}
					return nil
				}},
			} {
				var text core.Text
				if err := w.call(tc.method, withFormat(tc.params, &f.format), &text); err != nil {
					t.Fatalf("%+v: %v", f.format, err)
				}
				if err := f.check(text.Text); err != nil {
					t.Errorf("%+v: %v:\n%s", f.format, err, text.Text)
				}
				r := w.cli("", nil, append(append([]string{}, tc.cli...), f.flags...)...)
				if r.code != 0 || r.stdout != text.Text || r.stderr != "" {
					t.Errorf("%v %v prints other than the daemon's text %q:\n%s", tc.cli, f.flags, text.Text, r)
				}
			}
		})
	}
	// kongctl's get me: the raw user, keys sorted.
	r := w.cli("", nil, "get", "me", "-o", "json")
	if !strings.HasPrefix(r.stdout, "{\n  \"active\": true,\n  \"created_at\": ") {
		t.Errorf("get me -o json:\n%s", r)
	}
	// get me does not switch to json for --jq; listings do.
	if r := w.cli("", nil, "get", "me", "--jq", ".id"); r.code != 1 || !strings.Contains(r.stderr, "--jq is only supported with --output json or --output yaml") {
		t.Errorf("get me --jq without -o:\n%s", r)
	}
	if r := w.cli("", nil, "get", "teams", "--jq", "length"); r.code != 0 || r.stdout != "3\n" {
		t.Errorf("get teams --jq length:\n%s", r)
	}
}

// TestIdentityFilteringDocExamples runs the filtering doc's examples
// through the daemon in both forms: a string and a JSON object over RPC,
// and --filter in both spellings on the command line.
func TestIdentityFilteringDocExamples(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	for _, tc := range []struct {
		query string
		json  map[string]any
		want  []string
	}{
		{"filter[name][contains]=Charlie", map[string]any{"name": map[string]any{"contains": "Charlie"}}, []string{"Charlie Cruz"}},
		{"filter[full_name][contains]=Cruz&filter[name]=Alex", map[string]any{"full_name": map[string]any{"contains": "Cruz"}, "name": "Alex"}, []string{"Alex Cruz"}},
		{"filter[updated_at]", map[string]any{"updated_at": map[string]any{"exists": true}}, []string{"Alex Cruz", "Alex Garcia"}},
	} {
		jsonText, _ := json.Marshal(tc.json)
		for _, filter := range []any{tc.query, tc.json} {
			var l core.List
			if err := w.call("identity/listUsers", map[string]any{"filter": filter}, &l); err != nil {
				t.Fatalf("%v: %v", filter, err)
			}
			var got []string
			for _, raw := range l.Data {
				var u struct {
					FullName string `json:"full_name"`
				}
				json.Unmarshal(raw, &u)
				got = append(got, u.FullName)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("RPC filter %v: got %v, want %v", filter, got, tc.want)
			}
		}
		for _, flag := range []string{tc.query, string(jsonText)} {
			r := w.cli("", nil, "get", "users", "--filter", flag, "-o", "json", "--jq", ".[].full_name", "-r")
			if r.code != 0 || r.stdout != strings.Join(tc.want, "\n")+"\n" {
				t.Errorf("--filter %s: want %v\n%s", flag, tc.want, r)
			}
		}
	}
}

// TestIdentityFilterOnUnknownField: Konnect would refuse a filter on a
// field it does not know; konnectd evaluates it locally, so a misspelt
// field matches nothing and the answer says why: a warning on stderr
// (stdout stays kongctl's) and in the JSON result's meta. A real field
// that matches nothing gets no warning.
func TestIdentityFilterOnUnknownField(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	r := w.cli("", nil, "get", "users", "--filter", "filter[emial][contains]=cruz")
	if r.code != 0 || r.stdout != "No resources found.\n" ||
		!strings.Contains(r.stderr, `Warning: filter field "emial": none of the items Konnect returned has it`) {
		t.Fatalf("misspelt field: %s", r)
	}
	var l core.List
	if err := w.call("identity/listUsers", map[string]any{"filter": map[string]any{"emial": "x"}}, &l); err != nil {
		t.Fatal(err)
	}
	if len(l.Data) != 0 || len(l.Meta.Warnings) != 1 || !strings.Contains(l.Meta.Warnings[0], `"emial"`) {
		t.Fatalf("misspelt field over RPC: %+v", l.Meta)
	}
	r = w.cli("", nil, "get", "users", "--filter", "filter[email][contains]=nobody-here")
	if r.code != 0 || r.stdout != "No resources found.\n" || r.stderr != "" {
		t.Fatalf("a real field matching nothing: %s", r)
	}
}

func TestIdentityErrors(t *testing.T) {
	w := newWorld(t, worldOptions{})
	var e *rpc.Error
	// No credential yet: kongctl's message, before Konnect is called.
	err := w.call("identity/listUsers", nil, nil)
	if !errors.As(err, &e) || e.Code != rpc.CodeUnauthorized || !strings.HasPrefix(e.Message, "authentication token not available") {
		t.Fatalf("no credential: %v", err)
	}
	if r := w.cli("", nil, "get", "me"); r.code != 1 || !strings.HasPrefix(r.stderr, "Error: authentication token not available") {
		t.Errorf("get me without a credential:\n%s", r)
	}
	w.login("default")
	for _, params := range []map[string]any{
		{"filter": "filter[name][like]=x"},
		{"filter": map[string]any{"name": map[string]any{"regex": "x"}}},
		{"filter": 42},
		{"pageSize": -1},
		{"limit": -1},
		{"color": "blue"},
	} {
		if err := w.call("identity/listUsers", params, nil); !errors.As(err, &e) || e.Code != rpc.CodeInvalidParams {
			t.Errorf("%v: want -32602, got %v", params, err)
		}
	}
	if err := w.call("identity/listAssignedRoles", map[string]any{"userId": "a", "teamId": "b"}, nil); !errors.As(err, &e) || e.Code != rpc.CodeInvalidParams {
		t.Errorf("two subjects: %v", err)
	}
	// Usage errors on kongctl's commands exit 1, as kongctl's do; the hint
	// names the command, not the alias typed (cobra's and kongctl's way).
	if r := w.cli("", nil, "get", "users", "--filter", "filter[name][like]=x"); r.code != 1 ||
		!strings.Contains(r.stderr, `unknown filter operator "like"`) || !strings.Contains(r.stderr, "Run 'konnectd get user --help' for usage") {
		t.Errorf("bad --filter:\n%s", r)
	}
	if r := w.cli("", nil, "get", "assigned-roles"); r.code != 1 || !strings.Contains(r.stderr, "exactly one of --user-id, --team-id or --system-account-id is required") {
		t.Errorf("assigned-roles without a subject:\n%s", r)
	}
	// A stray argument: kongctl's usage form, as on create (get teams
	// extra is get team by name, as in kongctl).
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"get", "me", "extra"}, "the me command does not accept arguments"},
		{[]string{"get", "organization", "extra"}, "the organization command does not accept arguments"},
		{[]string{"get", "assigned-roles", "extra", "--user-id", "x"}, `unknown command "extra" for "konnectd get assigned-roles"`},
		{[]string{"get", "konnect", "nosuch"}, `unknown command "nosuch" for "konnectd get konnect"`},
		{[]string{"create", "konnect", "nosuch"}, `unknown command "nosuch" for "konnectd create konnect"`},
		{[]string{"delete", "nosuch"}, `unknown command "nosuch" for "konnectd delete"`},
	} {
		path := tc.args[:2]
		if tc.args[1] == "nosuch" {
			path = tc.args[:1]
		} else if len(tc.args) > 2 && tc.args[2] == "nosuch" {
			path = tc.args[:2]
		}
		want := "Error: " + tc.msg + "\n\nRun 'konnectd " + strings.Join(path, " ") + " --help' for usage\n"
		if r := w.cli("", nil, tc.args...); r.code != 1 || r.stderr != want || r.stdout != "" {
			t.Errorf("%v:\n%s\nwant stderr %q", tc.args, r, want)
		}
	}
	// A bad output is refused before any request.
	before := w.emu.Requests()["list-teams"]
	if r := w.cli("", nil, "get", "teams", "-o", "helm"); r.code != 1 || !strings.Contains(r.stderr, `invalid value "helm" for --output, must be one of [json yaml text]`) {
		t.Errorf("-o helm:\n%s", r)
	}
	if r := w.cli("", nil, "get", "teams", "-o", "json", "--jq", ".[] |"); r.code != 1 || !strings.Contains(r.stderr, "invalid jq expression") {
		t.Errorf("bad --jq:\n%s", r)
	}
	if after := w.emu.Requests()["list-teams"]; after != before {
		t.Errorf("Konnect was called %d times for refused requests", after-before)
	}
	// Unknown profile.
	err = w.call("identity/me", map[string]any{"profile": "nope"}, nil)
	if !errors.As(err, &e) || e.Code != rpc.CodeProfile {
		t.Errorf("unknown profile: %v", err)
	}
	if r := w.cli("", nil, "get", "me", "-p", "nope"); r.code != 1 || !strings.Contains(r.stderr, "nope") {
		t.Errorf("get me -p nope:\n%s", r)
	}
	// Konnect's own refusal comes through with its problem details.
	err = w.call("identity/listAssignedRoles", map[string]any{"userId": "00000000-0000-4000-8000-000000000000"}, nil)
	if !errors.As(err, &e) || e.Code != rpc.CodeKonnect || !strings.HasPrefix(e.Message, "Failed to list organization user roles") {
		t.Errorf("unknown user: %v", err)
	}
}

// TestIdentityPagingProgressAndLimit: a listing of many pages sends
// $/progress as pages arrive, the CLI shows them on a terminal only, and
// limit stops early.
func TestIdentityPagingProgressAndLimit(t *testing.T) {
	w := newWorld(t, worldOptions{emu: emulator.Options{Users: 73}})
	w.login("default")
	var mu sync.Mutex
	var got []rpc.ProgressParams
	c, err := rpc.Dial(context.Background(), w.d.socket, func(method string, params json.RawMessage) {
		if method != "$/progress" {
			return
		}
		var p rpc.ProgressParams
		if err := json.Unmarshal(params, &p); err != nil {
			t.Error(err)
		}
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var l core.List
	if err := c.Call(context.Background(), "identity/listUsers", map[string]any{"pageSize": 10}, &l); err != nil {
		t.Fatal(err)
	}
	if len(l.Data) != 73 || l.Meta.Total != 73 {
		t.Fatalf("listed %d of %d", len(l.Data), l.Meta.Total)
	}
	mu.Lock()
	// Notifications are written before the reply, on the same connection.
	if len(got) != 8 || got[len(got)-1].Done != 73 || got[0].Total != 73 {
		t.Errorf("progress for 8 pages: %+v", got)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Done < got[i-1].Done || string(got[i].ID) != string(got[0].ID) {
			t.Errorf("progress out of order or for another request: %+v", got)
		}
	}
	mu.Unlock()

	// limit: the first N, in Konnect's order, from fewer pages.
	before := w.emu.Requests()["list-users"]
	var lim core.List
	if err := w.call("identity/listUsers", map[string]any{"pageSize": 10, "limit": 15}, &lim); err != nil {
		t.Fatal(err)
	}
	if len(lim.Data) != 15 || !reflect.DeepEqual(lim.Data, l.Data[:15]) {
		t.Errorf("limit 15: %d items", len(lim.Data))
	}
	if n := w.emu.Requests()["list-users"] - before; n != 2 {
		t.Errorf("limit 15 at 10 per page took %d requests, want 2", n)
	}
	r := w.cli("", nil, "get", "users", "--page-size", "10", "--limit", "15", "-o", "json", "--jq", "length")
	if r.code != 0 || r.stdout != "15\n" || r.stderr != "" {
		t.Errorf("--limit 15 (stderr must stay empty off a terminal):\n%s", r)
	}

}
