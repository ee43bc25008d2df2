package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/konnectd/konnectd/konnect/spec"
)

type server struct {
	t    *testing.T
	emu  *Emulator
	base string
}

func start(t *testing.T) *server {
	t.Helper()
	return startWith(t, Options{Strict: true})
}

// startWith is start with other options.
func startWith(t *testing.T, o Options) *server {
	t.Helper()
	emu, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	base, err := emu.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	return &server{t, emu, base}
}

// do sends one raw request and decodes the answer.
func (s *server) do(method, path, token, body string) (int, map[string]any) {
	s.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, s.base+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
		s.t.Errorf("%s %s: %d with content type %q", method, path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, m
}

func TestFilterRulesMatchSpec(t *testing.T) {
	d, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	for op, rule := range filterRules {
		if got, want := map[string][]string(rule), d.FilterOps(op); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: emulator allows %v, spec %v", op, got, want)
		}
	}
}

func TestUnsupportedFilterOperatorIs400(t *testing.T) {
	s := start(t)
	code, body := s.do("GET", "/v3/users?filter[full_name][lt]=B", s.emu.AdminToken(), "")
	params, _ := body["invalid_parameters"].([]any)
	if code != 400 || len(params) != 1 {
		t.Fatalf("got %d %v", code, body)
	}
	p := params[0].(map[string]any)
	if p["field"] != "[filter][full_name][lt]" || p["reason"] != "[lt] is not a supported filter operation" {
		t.Errorf("invalid parameter = %v", p)
	}
	if code, _ := s.do("GET", "/v3/users?filter[name][contains]=Charlie", s.emu.AdminToken(), ""); code != 400 {
		t.Errorf("filter on a field list-users does not declare: %d", code)
	}
}

func TestPATRules(t *testing.T) {
	s := start(t)
	admin := s.emu.AdminToken()
	path := "/v3/users/" + CharlieCruzID + "/access-tokens"
	future := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	for _, tc := range []struct {
		body string
		code int
	}{
		{`{"name":"ok name","ttl_seconds":86400}`, 201},
		{`{"name":"Ünïcode-1.0's","expires_at":"` + future + `"}`, 201},
		{`{"name":"x","ttl_seconds":86400}`, 400},
		{`{"name":"-lead","ttl_seconds":86400}`, 400},
		{`{"name":"trail ","ttl_seconds":86400}`, 400},
		{`{"name":"short","ttl_seconds":86399}`, 400},
		{`{"name":"long","ttl_seconds":31536001}`, 400},
		{`{"name":"both","ttl_seconds":86400,"expires_at":"` + future + `"}`, 400},
		{`{"name":"neither"}`, 400},
		{`{"name":"extra","ttl_seconds":86400,"scope":"all"}`, 400},
	} {
		code, body := s.do("POST", path, admin, tc.body)
		if code != tc.code {
			t.Errorf("%s → %d %v, want %d", tc.body, code, body, tc.code)
		}
		if code == 201 {
			tok, _ := body["konnect_token"].(string)
			if len(tok) != 54 || !strings.HasPrefix(tok, "kpat_") || strings.Trim(tok[5:], alnum) != "" {
				t.Errorf("PAT secret has the wrong shape (len %d)", len(tok))
			}
		}
	}
	// The admin PAT and two above: seven more reach the cap of ten.
	for i := range 7 {
		if code, _ := s.do("POST", path, admin, fmt.Sprintf(`{"name":"fill %d","ttl_seconds":86400}`, i)); code != 201 {
			t.Fatalf("PAT %d refused below the cap", i+4)
		}
	}
	if code, _ := s.do("POST", path, admin, `{"name":"eleven","ttl_seconds":86400}`); code != 400 {
		t.Fatalf("11th PAT: %d, want 400", code)
	}
	// The secret is returned once: never in get or list.
	_, list := s.do("GET", path, admin, "")
	b, _ := json.Marshal(list)
	if strings.Contains(string(b), "kpat_") || strings.Contains(string(b), "konnect_token") {
		t.Error("the PAT list shows a secret")
	}
	if meta, _ := list["meta"].(map[string]any); meta["total"] != float64(10) {
		t.Errorf("PAT list meta = %v, want flat PageMeta with total 10", list["meta"])
	}
	// Request errors above were deliberate; every answer must still conform.
	var answers []string
	for _, v := range s.emu.Violations() {
		if !strings.Contains(v, " request") {
			answers = append(answers, v)
		}
	}
	if len(answers) > 0 {
		t.Errorf("responses that break the spec: %v", answers)
	}
}

func TestAuth(t *testing.T) {
	s := start(t)
	for _, tok := range []string{"", "kpat_unknown00000000000000000000000000000000000000000", "spat_nope"} {
		if code, body := s.do("GET", "/v3/organizations/me", tok, ""); code != 401 || body["status"] != float64(401) {
			t.Errorf("token %q: %d %v", tok[:min(len(tok), 5)], code, body)
		}
	}
	// An expired PAT is refused, by the emulator's own clock.
	var skew atomic.Int64
	emu, err := New(Options{Now: func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := emu.Start("")
	defer emu.Close()
	skew.Store(int64(366 * 24 * time.Hour))
	req, _ := http.NewRequest("GET", base+"/v3/users/me", nil)
	req.Header.Set("Authorization", "Bearer "+emu.AdminToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("expired admin PAT: %d", resp.StatusCode)
	}
}

func TestSystemAccountConflicts(t *testing.T) {
	s := start(t)
	admin := s.emu.AdminToken()
	if code, _ := s.do("POST", "/v3/system-accounts", admin, `{"name":"terraform","description":"dup"}`); code != 409 {
		t.Errorf("duplicate account name: %d", code)
	}
	code, acct := s.do("POST", "/v3/system-accounts", admin, `{"name":"fresh","description":"new"}`)
	if code != 201 {
		t.Fatalf("create account: %d", code)
	}
	path := "/v3/system-accounts/" + acct["id"].(string) + "/access-tokens"
	exp := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	code, tok := s.do("POST", path, admin, `{"name":"ci","expires_at":"`+exp+`"}`)
	secret, _ := tok["token"].(string)
	if code != 201 || len(secret) != 55 || !strings.HasPrefix(secret, "spat_") || strings.Trim(secret[5:], alnum) != "" {
		t.Fatalf("create SPAT: %d, secret of length %d", code, len(secret))
	}
	if code, _ := s.do("POST", path, admin, `{"name":"ci","expires_at":"`+exp+`"}`); code != 409 {
		t.Errorf("duplicate SPAT name: %d", code)
	}
	if code, _ := s.do("GET", "/v3/users/me", secret, ""); code != 401 {
		t.Errorf("SPAT on /users/me: %d", code)
	}
	if code, _ := s.do("GET", path, secret, ""); code != 200 {
		t.Errorf("SPAT listing its own account's tokens: %d", code)
	}
}

func TestSeedFileAndGrowth(t *testing.T) {
	emu, err := New(Options{Users: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(emu.users) != 1000 || emu.users[0].ID != CharlieCruzID {
		t.Fatalf("grown organization has %d users", len(emu.users))
	}
	ids := map[string]bool{}
	for _, u := range emu.users {
		ids[u.ID] = true
	}
	if len(ids) != 1000 {
		t.Errorf("generated ids collide: %d distinct", len(ids))
	}
	seedJSON := `{"organization":{"id":"` + OrganizationID + `","name":"Tiny","owner_id":"11111111-1111-4111-8111-111111111111","state":"active"},
		"users":[{"id":"11111111-1111-4111-8111-111111111111","email":"o@example.com","full_name":"Only Owner","active":true,"created_at":"2024-01-01T00:00:00Z"}]}`
	emu, err = New(Options{Seed: strings.NewReader(seedJSON)})
	if err != nil {
		t.Fatal(err)
	}
	if len(emu.users) != 1 || emu.org.Name != "Tiny" {
		t.Errorf("seeded organization: %d users, %q", len(emu.users), emu.org.Name)
	}
	if _, err := New(Options{Seed: strings.NewReader(`{"organization":{}}`)}); err == nil {
		t.Error("a seed without an owner was accepted")
	}
}

func TestOperationsAreSpecOperations(t *testing.T) {
	d, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, doc := range []*openapi3.T{d.Identity, d.Organizations, d.ControlPlanes} {
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				known[op.OperationID] = true
			}
		}
	}
	ops := Operations()
	sort.Strings(ops)
	for _, op := range ops {
		if !known[op] {
			t.Errorf("%s is not an operation of the identity, organizations or control planes spec", op)
		}
	}
}

// TestListPages holds the paging of a listing to its definition: page n
// of size s is items (n-1)·s … n·s-1 of everything the filter matches, and
// meta.page.total counts all the matches, with or without a filter and
// past the last page.
func TestListPages(t *testing.T) {
	s := startWith(t, Options{Users: 250})
	var all, inactive []string
	for _, u := range s.emu.users {
		all = append(all, u.ID)
		if !u.Active {
			inactive = append(inactive, u.ID)
		}
	}
	for _, c := range []struct {
		query string
		want  []string
	}{{"", all}, {"&filter[active]=false", inactive}} {
		for _, p := range []struct{ size, number int }{{100, 1}, {100, 3}, {7, 2}, {7, 6}, {100, 4}, {10, 1 << 60}} {
			path := fmt.Sprintf("/v3/users?page[size]=%d&page[number]=%d%s", p.size, p.number, c.query)
			code, body := s.do("GET", path, s.emu.AdminToken(), "")
			if code != 200 {
				t.Fatalf("%s: %d", path, code)
			}
			var got []string
			for _, u := range body["data"].([]any) {
				got = append(got, u.(map[string]any)["id"].(string))
			}
			var want []string
			if from := (p.number - 1) * p.size; p.number < 1<<50 && from < len(c.want) {
				want = c.want[from:min(from+p.size, len(c.want))]
			}
			page := body["meta"].(map[string]any)["page"].(map[string]any)
			if !reflect.DeepEqual(got, want) || page["total"] != float64(len(c.want)) {
				t.Errorf("%s: %d ids (total %v), want %d of %d", path, len(got), page["total"], len(want), len(c.want))
			}
		}
	}
	if len(inactive) < 30 || len(inactive) == len(all) {
		t.Fatalf("the filter should select some users: %d of %d", len(inactive), len(all))
	}
}

// TestCreatedTokenPrintsNoSecret: a test printing what was created does
// not print the secret.
func TestCreatedTokenPrintsNoSecret(t *testing.T) {
	c := CreatedToken{Kind: "pat", ID: "i", Name: "n", Secret: "kpat_notforprinting"}
	for _, s := range []string{fmt.Sprintf("%v", c), fmt.Sprintf("%+v", []CreatedToken{c}), fmt.Sprintf("%#v", c), fmt.Sprint(&c)} {
		if strings.Contains(s, "notforprinting") {
			t.Fatalf("printed %s", s)
		}
	}
}
