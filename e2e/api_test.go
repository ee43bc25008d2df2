package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/konnect/emulator"
	"github.com/konnectd/konnectd/rpc"
)

func countOp(emu *emulator.Emulator, op string) int {
	n := 0
	for _, r := range emu.RequestLog() {
		if r.Op == op {
			n++
		}
	}
	return n
}

// TestAPIPaginates: 25 control planes at page size 10 are three requests
// through the built binary, and --paginate prints all 25, in order.
func TestAPIPaginates(t *testing.T) {
	w := newWorld(t, worldOptions{emu: emulator.Options{ControlPlanes: 25}})
	w.login("default")
	r := w.cli("", nil, "api", "/v2/control-planes?page[size]=10", "--paginate", "--jq", ".[].name", "-r")
	if r.code != 0 {
		t.Fatalf("api --paginate: %s", r)
	}
	lines := strings.Fields(r.stdout)
	if len(lines) != 25 || lines[0] != "cp-01" || lines[24] != "cp-25" {
		t.Fatalf("%d names: %s", len(lines), r)
	}
	if n := countOp(w.emu, "list-control-planes"); n != 3 {
		t.Fatalf("%d list requests, want 3", n)
	}
	// The same through -X GET and -f: fields are query parameters.
	r = w.cli("", nil, "api", "-X", "GET", "/v2/control-planes", "-f", "filter[name][contains]=cp-2", "-f", "page[size]=2", "--paginate", "--jq", "length")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "6" {
		t.Fatalf("filtered pages: %s", r)
	}
}

// TestAPIPaginateProgress: konnect/request with paginate sends $/progress
// after each page, as identity listings do.
func TestAPIPaginateProgress(t *testing.T) {
	w := newWorld(t, worldOptions{emu: emulator.Options{ControlPlanes: 25}})
	w.login("default")
	var mu sync.Mutex
	var progress []rpc.ProgressParams
	c, err := rpc.Dial(context.Background(), w.d.socket, func(method string, params json.RawMessage) {
		var p rpc.ProgressParams
		if method == "$/progress" && json.Unmarshal(params, &p) == nil {
			mu.Lock()
			progress = append(progress, p)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var res struct {
		Status int
		Body   []json.RawMessage
		Pages  int
		URL    string
	}
	err = c.Call(context.Background(), "konnect/request", map[string]any{"path": "/v2/control-planes",
		"query": map[string]any{"page[size]": "10"}, "paginate": true}, &res)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 200 || len(res.Body) != 25 || res.Pages != 3 || !strings.HasPrefix(res.URL, w.url+"/v2/control-planes") {
		t.Fatalf("status %d, %d items, %d pages, url %s", res.Status, len(res.Body), res.Pages, res.URL)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(progress) != 3 || progress[0].Done != 10 || progress[2].Done != 25 || progress[2].Total != 25 {
		t.Fatalf("progress %+v", progress)
	}
	// Refusals are -32602/-32050 before any request.
	before := len(w.emu.RequestLog())
	for _, p := range []map[string]any{
		{"path": "https://evil.example/v2/control-planes"},
		{"path": "/v2/control-planes", "headers": map[string]string{"Authorization": "Bearer x"}},
		{"path": "/v2/control-planes", "method": "POST", "paginate": true},
		{"path": "/v2/control-planes", "body": map[string]any{"name": "x"}},
		{"path": "/v2/control-planes", "region": "e_u"},
		{"method": "GET"},
	} {
		var e *rpc.Error
		if err := c.Call(context.Background(), "konnect/request", p, &res); err == nil || !asRPC(err, &e) || (e.Code != rpc.CodeValidation && e.Code != rpc.CodeInvalidParams) {
			t.Errorf("%v: %v", p, err)
		}
	}
	if n := len(w.emu.RequestLog()) - before; n != 0 {
		t.Fatalf("refused requests reached Konnect: %d", n)
	}
}

func asRPC(err error, e **rpc.Error) bool {
	re, ok := err.(*rpc.Error)
	*e = re
	return ok
}

// TestAPIPostNeedsExplicitMethod: -f without -X is refused before any
// request at all (not even the daemon is asked), saying to add -X POST;
// with -X POST the control plane is created.
func TestAPIPostNeedsExplicitMethod(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	before := len(w.emu.RequestLog())
	r := w.cli("", nil, "api", "/v2/control-planes", "-f", "name=dev", "-f", "cluster_type=CLUSTER_TYPE_CONTROL_PLANE")
	if r.code != 2 || !strings.Contains(r.stderr, "add -X POST") || r.stdout != "" {
		t.Fatalf("fields without -X: %s", r)
	}
	if n := len(w.emu.RequestLog()) - before; n != 0 {
		t.Fatalf("%d requests were sent", n)
	}
	r = w.cli("", nil, "api", "-X", "POST", "/v2/control-planes", "-f", "name=dev", "-f", "cluster_type=CLUSTER_TYPE_CONTROL_PLANE", "-F", "labels[env]=dev")
	if r.code != 0 {
		t.Fatalf("-X POST: %s", r)
	}
	var cp struct {
		ID, Name string
		Labels   map[string]string
		Config   struct {
			ClusterType string `json:"cluster_type"`
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &cp); err != nil || cp.Name != "dev" || cp.Labels["env"] != "dev" || cp.Config.ClusterType != "CLUSTER_TYPE_CONTROL_PLANE" {
		t.Fatalf("created %+v (%v): %s", cp, err, r)
	}
	if n := countOp(w.emu, "create-control-plane"); n != 1 {
		t.Fatalf("%d creates", n)
	}
	// A second create with the same name: Konnect's 409, printed, exit 1.
	r = w.cli("", nil, "api", "-X", "POST", "/v2/control-planes", "-f", "name=dev", "-i")
	if r.code != 1 || !strings.Contains(r.stdout, "HTTP 409") || !strings.Contains(r.stdout, `"status": 409`) || !strings.Contains(r.stderr, "Konnect answered 409") {
		t.Fatalf("conflict: %s", r)
	}
	// And the PATCH and DELETE round trip, --input from stdin.
	r = w.cli(`{"description":"from stdin"}`, nil, "api", "-X", "PATCH", "/v2/control-planes/"+cp.ID, "--input", "-", "--jq", ".description", "-r")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "from stdin" {
		t.Fatalf("patch: %s", r)
	}
	if r = w.cli("", nil, "api", "-X", "DELETE", "/v2/control-planes/"+cp.ID); r.code != 0 || r.stdout != "" {
		t.Fatalf("delete: %s", r)
	}
	if r = w.cli("", nil, "api", "/v2/control-planes/"+cp.ID); r.code != 1 || !strings.Contains(r.stdout, "Not Found") {
		t.Fatalf("get after delete: %s", r)
	}
}

// TestAPIRedactsTokens: a token value Konnect echoes back is masked, with
// a warning, unless --reveal-secrets; a call that would create a token is
// refused without --reveal-secrets (the masked value would be lost), and
// with it says that konnectd create keeps tokens in the keychain.
func TestAPIRedactsTokens(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	fake := "kpat_" + strings.Repeat("Z", 49) // not a credential anywhere
	r := w.cli("", nil, "api", "-X", "POST", "/v2/control-planes", "-f", "name=echo", "-f", "description=pasted "+fake)
	if r.code != 0 || strings.Contains(r.stdout, fake) || !strings.Contains(r.stdout, redact.Mask) || !strings.Contains(r.stderr, "masked") {
		t.Fatalf("echoed token: %s", r)
	}
	r = w.cli("", nil, "api", "-X", "GET", "/v2/control-planes", "-f", "filter[name][eq]=echo", "--reveal-secrets", "--jq", ".data[0].description", "-r")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "pasted "+fake {
		t.Fatalf("--reveal-secrets did not show the echoed value: %s", r)
	}

	path := "/v3/users/" + emulator.CharlieCruzID + "/access-tokens"
	r = w.cli("", nil, "api", "-X", "POST", path, "-f", "name=via-api", "-F", "ttl_seconds=86400")
	if r.code != 2 || !strings.Contains(r.stderr, "konnectd create") || !strings.Contains(r.stderr, "--reveal-secrets") {
		t.Fatalf("token create without --reveal-secrets: %s", r)
	}
	if n := countOp(w.emu, "create-personal-access-token"); n != 0 {
		t.Fatalf("the refused create reached Konnect %d times", n)
	}
	r = w.cli("", nil, "api", "-X", "POST", path, "-f", "name=via-api", "-F", "ttl_seconds=86400", "--reveal-secrets", "--jq", ".name", "-r")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "via-api" || !strings.Contains(r.stderr, "konnectd create pat|spat --store") {
		t.Fatalf("token create with --reveal-secrets: %s", r)
	}
	if n := countOp(w.emu, "create-personal-access-token"); n != 1 {
		t.Fatalf("%d creates", n)
	}
}

// TestAPIRegionRouting: with a profile of region eu, a control-plane call
// goes to eu.api.konghq.com, an identity call to global.api.konghq.com,
// and --region au sends the regional one to au: the daemon dials the real
// names, through an HTTPS proxy into the emulator, whose request log
// holds the Host of each request.
func TestAPIRegionRouting(t *testing.T) {
	emu, err := emulator.New(emulator.Options{Strict: true, ControlPlanes: 2})
	if err != nil {
		t.Fatal(err)
	}
	proxy := startRegionProxy(t, emu.Handler())
	w := newWorld(t, worldOptions{configYAML: "default:\n  konnect:\n    region: eu\n", daemonEnv: proxy.env()})
	w.emu = emu // the world's own emulator stays idle; this one is behind the proxy
	t.Cleanup(func() {
		if v := emu.Violations(); len(v) > 0 {
			t.Errorf("spec violations on the wire:\n%s", strings.Join(v, "\n"))
		}
	})
	w.login("default")
	for _, args := range [][]string{
		{"api", "/v2/control-planes", "--jq", ".meta.page.total"},
		{"api", "/v3/users/me", "--jq", ".id", "-r"},
		{"api", "/v2/control-planes", "--region", "au", "--jq", ".meta.page.total"},
		{"api", "/v3/organizations/me", "--region", "au", "--jq", ".id", "-r"},
	} {
		if r := w.cli("", nil, args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r)
		}
	}
	hosts := map[string][]string{}
	for _, r := range emu.RequestLog() {
		hosts[r.Op] = append(hosts[r.Op], r.Host)
	}
	if got := strings.Join(hosts["list-control-planes"], ","); got != "eu.api.konghq.com,au.api.konghq.com" {
		t.Errorf("list-control-planes went to %s, want eu then au", got)
	}
	// login makes identity calls of its own: every one must be global.
	for _, op := range []string{"get-users-me", "get-organizations-me"} {
		if len(hosts[op]) < 2 {
			t.Errorf("%s: %d calls seen", op, len(hosts[op]))
		}
		for _, h := range hosts[op] {
			if h != "global.api.konghq.com" {
				t.Errorf("%s went to %s", op, h)
			}
		}
	}
}

// TestMCPKonnectTools: konnect_get reads control planes (paginated, with
// jq) and refuses paths off the allow-list; konnect_request exists only
// with --allow-write, refuses GET and creates with POST.
func TestMCPKonnectTools(t *testing.T) {
	w := newWorld(t, worldOptions{emu: emulator.Options{ControlPlanes: 12}})
	w.login("default")
	a := startAgent(t, w, "")
	var out struct {
		Status int
		Result []string
		Pages  int
	}
	a.ok("konnect_get", map[string]any{"path": "/v2/control-planes", "query": map[string]string{"page[size]": "5"}, "paginate": true, "jq": "map(.name)"}, &out)
	if out.Status != 200 || len(out.Result) != 12 || out.Result[11] != "cp-12" || out.Pages != 3 {
		t.Fatalf("konnect_get: %+v", out)
	}
	for _, p := range []string{"/v3/identity-providers", "/v2/control-planes/../../v3/identity-providers", "/v1/other"} {
		if msg := a.fails("konnect_get", map[string]any{"path": p}); !strings.Contains(msg, "allowed") && !strings.Contains(msg, "segment") {
			t.Errorf("%s: %s", p, msg)
		}
	}
	if msg := a.fails("konnect_get", map[string]any{"path": "/v2/control-planes/00000000-0000-4000-8000-000000000000"}); !strings.Contains(msg, "404") {
		t.Errorf("not found: %s", msg)
	}
	// konnect_get has no method to give: asking for one is refused, and
	// nothing is sent.
	before := len(w.emu.RequestLog())
	if res, err := a.callErr("konnect_get", map[string]any{"path": "/v2/control-planes", "method": "POST"}); err == nil && !res.IsError {
		t.Fatalf("konnect_get with a method: %s", redact.String(text(res)))
	}
	if n := len(w.emu.RequestLog()) - before; n != 0 {
		t.Fatalf("konnect_get with a method sent %d requests", n)
	}
	if _, err := a.callErr("konnect_request", map[string]any{"method": "POST", "path": "/v2/control-planes"}); err == nil || !strings.Contains(err.Error(), "unknown tool") {
		t.Fatalf("konnect_request on a read-only server: %v", err)
	}
	rw := startAgent(t, w, "", "--allow-write")
	before = len(w.emu.RequestLog())
	if msg := rw.fails("konnect_request", map[string]any{"method": "GET", "path": "/v2/control-planes"}); !strings.Contains(msg, "konnect_get") {
		t.Errorf("GET through konnect_request: %s", msg)
	}
	if n := len(w.emu.RequestLog()) - before; n != 0 {
		t.Fatalf("the refused call sent %d requests", n)
	}
	var created struct {
		Status int
		Body   struct{ Name string }
	}
	rw.ok("konnect_request", map[string]any{"method": "POST", "path": "/v2/control-planes", "body": map[string]any{"name": "agent-made"}}, &created)
	if created.Status != 201 || created.Body.Name != "agent-made" {
		t.Fatalf("konnect_request POST: %+v", created)
	}
	rw.assertNoSecrets(w.emu.AdminToken())
	rw.s.Close() // the child has exited and its stderr is all in
	if !strings.Contains(rw.stderr.String(), "mcp konnect_request") || !strings.Contains(rw.stderr.String(), "status=201") {
		t.Errorf("the write was not logged:\n%s", redact.String(rw.stderr.String()))
	}
	a.assertNoSecrets(w.emu.AdminToken())
}
