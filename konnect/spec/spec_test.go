package spec

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

func TestFilterOpsMatchesReference(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	got := d.FilterOps("list-users")
	want := map[string][]string{"id": {"eq"}, "email": {"contains", "eq"}, "full_name": {"contains", "eq"}, "active": {"eq"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("list-users filters = %v, want %v", got, want)
	}
	if got, want := d.FilterOps("list-control-planes"), map[string][]string{"id": {"eq", "oeq"}, "name": {"contains", "eq", "neq"},
		"cluster_type": {"eq", "neq", "oeq"}, "cloud_gateway": {"eq"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("list-control-planes filters = %v, want %v", got, want)
	}
	if got := d.FilterOps("list-teams")["labels.*"]; !reflect.DeepEqual(got, []string{"contains", "eq", "exists"}) {
		t.Errorf("team label filters = %v", got)
	}
}

func TestValidateRequest(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	const pat = "kpat_0123456789012345678901234567890123456789012345678"
	const spat = "spat_01234567890123456789012345678901234567890123456789"
	for _, tc := range []struct {
		name, target, token string
		ok                  bool
	}{
		{"contains on full_name", "/v3/users?filter[full_name][contains]=Cruz", pat, true},
		{"lt is not a user filter", "/v3/users?filter[full_name][lt]=Cruz", pat, false},
		{"page size must be an integer", "/v3/users?page[size]=ten", pat, false},
		{"me with a PAT", "/v3/users/me", pat, true},
		{"me refuses a SPAT", "/v3/users/me", spat, false},
		{"organization accepts a SPAT", "/v3/organizations/me", spat, true},
		{"no credential", "/v3/users/me", "", false},
		{"unknown path", "/v3/nothing-here", pat, false},
		{"control planes with a SPAT", "/v2/control-planes?page[size]=10&page[number]=2", spat, true},
		{"control plane name contains", "/v2/control-planes?filter[name][contains]=dev", pat, true},
		{"control plane cloud_gateway", "/v2/control-planes?filter[cloud_gateway]=true", pat, true},
		{"description is not a control plane filter", "/v2/control-planes?filter[description][eq]=x", pat, false},
		{"contains is not an id operator", "/v2/control-planes?filter[id][contains]=x", pat, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:1"+tc.target, nil)
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			err := d.ValidateRequest(context.Background(), req, nil)
			if (err == nil) != tc.ok {
				t.Fatalf("valid = %v, want %v (err: %v)", err == nil, tc.ok, err)
			}
			if err != nil && (strings.Contains(err.Error(), pat) || strings.Contains(err.Error(), spat)) {
				t.Fatal("violation message holds the credential")
			}
		})
	}
}

func TestValidateResponseStatuses(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	const pat = "kpat_0123456789012345678901234567890123456789012345678"
	problem := []byte(`{"status":401,"title":"Unauthorized","instance":"kong:trace:1","detail":"Invalid credentials"}`)
	for _, tc := range []struct {
		name, target, ct string
		status           int
		body             []byte
		ok               bool
	}{
		// list-users declares only 200 and 400, but it is secured.
		{"undeclared 401 as problem+json", "/v3/users", "application/problem+json", 401, problem, true},
		{"undeclared 401 that is not a problem", "/v3/users", "application/json", 401, []byte(`{}`), false},
		{"undeclared 401 without a title", "/v3/users", "application/problem+json", 401, []byte(`{"status":401}`), false},
		{"undeclared 403 as problem+json", "/v3/users", "application/problem+json", 403, problem, true},
		{"undeclared 418 stays a violation", "/v3/users", "application/problem+json", 418, problem, false},
		// get-users-me declares 401: its schema applies, not the shortcut.
		{"declared 401 checked against its schema", "/v3/users/me", "application/problem+json", 401, []byte(`{"status":"x"}`), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:1"+tc.target, nil)
			req.Header.Set("Authorization", "Bearer "+pat)
			err := d.ValidateResponse(context.Background(), Exchange{
				Request: req, Status: tc.status,
				Header:       http.Header{"Content-Type": {tc.ct}},
				ResponseBody: tc.body,
			})
			if (err == nil) != tc.ok {
				t.Fatalf("valid = %v, want %v (err: %v)", err == nil, tc.ok, err)
			}
		})
	}
}
