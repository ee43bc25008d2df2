package emulator

import (
	"fmt"
	"strings"
	"testing"
)

// TestControlPlanesCRUD walks create, get, update, list and delete through
// a strict emulator: every exchange, the refused ones included, must be
// what the official Control Planes v2 document declares.
func TestControlPlanesCRUD(t *testing.T) {
	s := start(t)
	admin := s.emu.AdminToken()
	code, cp := s.do("POST", "/v2/control-planes", admin, `{"name":"dev","cluster_type":"CLUSTER_TYPE_CONTROL_PLANE","labels":{"env":"dev"}}`)
	if code != 201 || cp["name"] != "dev" || cp["id"] == "" {
		t.Fatalf("create: %d %v", code, cp)
	}
	id := cp["id"].(string)
	for _, tc := range []struct {
		body string
		code int
	}{
		{`{"name":"dev"}`, 409},
		{`{"description":"no name"}`, 400},
		{`{"name":"x"}`, 400},
		{`{"name":"ok","cluster_type":"CLUSTER_TYPE_NOPE"}`, 400},
		{`{"name":"ok","colour":"red"}`, 400},
		{`{"name":"ok","labels":{"kong-x":"y"}}`, 400},
	} {
		if code, body := s.do("POST", "/v2/control-planes", admin, tc.body); code != tc.code {
			t.Errorf("create %s: %d %v, want %d", tc.body, code, body, tc.code)
		}
	}
	if code, got := s.do("GET", "/v2/control-planes/"+id, admin, ""); code != 200 || got["name"] != "dev" {
		t.Fatalf("get: %d %v", code, got)
	}
	if code, got := s.do("PATCH", "/v2/control-planes/"+id, admin, `{"description":"the dev plane"}`); code != 200 || got["description"] != "the dev plane" || got["name"] != "dev" {
		t.Fatalf("update: %d %v", code, got)
	}
	if code, _ := s.do("DELETE", "/v2/control-planes/"+id, admin, ""); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	for _, m := range []string{"GET", "DELETE"} {
		if code, _ := s.do(m, "/v2/control-planes/"+id, admin, ""); code != 404 {
			t.Errorf("%s after delete: %d", m, code)
		}
	}
	if code, _ := s.do("GET", "/v2/control-planes", "", ""); code != 401 {
		t.Errorf("list without a credential: %d", code)
	}
	// A path no API has: Konnect's 404 problem+json (s.do checks the type).
	if code, body := s.do("GET", "/v2/nothing-here", admin, ""); code != 404 || body["title"] != "Not Found" {
		t.Errorf("unknown path: %d %v", code, body)
	}
	var answers []string
	for _, v := range s.emu.Violations() {
		if !strings.Contains(v, " request") && !strings.Contains(v, "nothing-here") {
			answers = append(answers, v)
		}
	}
	if len(answers) > 0 {
		t.Errorf("responses that break the spec: %v", answers)
	}
}

// TestControlPlanesListing: page-number paging and each filter the spec
// declares select what they say, in a strict emulator with nothing
// violated.
func TestControlPlanesListing(t *testing.T) {
	s := startWith(t, Options{Strict: true, ControlPlanes: 25})
	admin := s.emu.AdminToken()
	names := func(body map[string]any) []string {
		var out []string
		for _, it := range body["data"].([]any) {
			out = append(out, it.(map[string]any)["name"].(string))
		}
		return out
	}
	var seen []string
	for n := 1; n <= 3; n++ {
		code, body := s.do("GET", fmt.Sprintf("/v2/control-planes?page[size]=10&page[number]=%d", n), admin, "")
		page := body["meta"].(map[string]any)["page"].(map[string]any)
		if code != 200 || page["total"] != float64(25) || page["number"] != float64(n) {
			t.Fatalf("page %d: %d %v", n, code, body["meta"])
		}
		seen = append(seen, names(body)...)
	}
	if len(seen) != 25 || seen[0] != "cp-01" || seen[24] != "cp-25" {
		t.Fatalf("three pages of 10 gave %d planes: %v", len(seen), seen)
	}
	s.do("POST", "/v2/control-planes", admin, `{"name":"edge","cluster_type":"CLUSTER_TYPE_K8S_INGRESS_CONTROLLER","cloud_gateway":true,"labels":{"env":"prod","team":"edge"}}`)
	for _, tc := range []struct {
		query string
		want  string
	}{
		{"filter[name][eq]=cp-07", "cp-07"},
		{"filter[name][contains]=dg", "edge"},
		{"filter[name][neq]=edge&filter[name][contains]=cp-2", "cp-20,cp-21,cp-22,cp-23,cp-24,cp-25"},
		{"filter[cluster_type][eq]=CLUSTER_TYPE_K8S_INGRESS_CONTROLLER", "edge"},
		{"filter[cluster_type][oeq]=CLUSTER_TYPE_K8S_INGRESS_CONTROLLER,CLUSTER_TYPE_SERVERLESS", "edge"},
		{"filter[cloud_gateway]=true", "edge"},
		{"labels=env:prod,team", "edge"},
		{"labels=env:dev", ""},
		{"filter[name][contains]=cp-0&sort=created_at desc&page[size]=3", "cp-09,cp-08,cp-07"},
	} {
		code, body := s.do("GET", "/v2/control-planes?"+strings.ReplaceAll(tc.query, " ", "%20"), admin, "")
		if got := strings.Join(names(body), ","); code != 200 || got != tc.want {
			t.Errorf("%s: %d %q, want %q", tc.query, code, got, tc.want)
		}
	}
	for _, q := range []string{"filter[description][eq]=x", "filter[id][contains]=x", "sort=name"} {
		if code, _ := s.do("GET", "/v2/control-planes?"+q, admin, ""); code != 400 {
			t.Errorf("%s: %d, want 400", q, code)
		}
	}
	var answers []string
	for _, v := range s.emu.Violations() {
		if !strings.Contains(v, " request") {
			answers = append(answers, v)
		}
	}
	if len(answers) > 0 {
		t.Errorf("responses that break the spec: %v", answers)
	}
	log := s.emu.RequestLog()
	if len(log) == 0 || log[0].Op != "list-control-planes" || log[0].Query != "page[size]=10&page[number]=1" || log[0].Host == "" {
		t.Errorf("request log starts %+v", log[:min(1, len(log))])
	}
}
