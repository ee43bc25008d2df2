package konnect_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/konnect/emulator"
	"github.com/konnectd/konnectd/konnect/spec"
)

func opCount(emu *emulator.Emulator, op string) int {
	n := 0
	for _, r := range emu.RequestLog() {
		if r.Op == op {
			n++
		}
	}
	return n
}

// TestRequestPaginatesPageNumbers: 25 control planes at page size 10 are
// three requests, and the answer is all 25 items in order, with progress
// after each page.
func TestRequestPaginatesPageNumbers(t *testing.T) {
	r := newRig(t, emulator.Options{ControlPlanes: 25}, konnect.Options{})
	var progress []string
	res, err := r.client.Request(context.Background(), konnect.Request{Path: "/v2/control-planes",
		Query: url.Values{"page[size]": {"10"}}, Paginate: true,
		Progress: func(done, total int) { progress = append(progress, fmt.Sprintf("%d/%d", done, total)) }})
	if err != nil {
		t.Fatal(err)
	}
	var items []struct{ Name string }
	if err := json.Unmarshal(res.Body, &items); err != nil {
		t.Fatalf("paginated body is not an array: %v", err)
	}
	if res.Status != 200 || len(items) != 25 || items[0].Name != "cp-01" || items[24].Name != "cp-25" || res.Pages != 3 {
		t.Fatalf("status %d, %d items, %d pages", res.Status, len(items), res.Pages)
	}
	if n := opCount(r.emu, "list-control-planes"); n != 3 {
		t.Fatalf("%d list requests, want 3", n)
	}
	if !slices.Equal(progress, []string{"10/25", "20/25", "25/25"}) {
		t.Fatalf("progress %v", progress)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q not passed on", ct)
	}
	r.clean(t)
}

// TestRequestPaginatesCursors follows meta.page.next's page[after] on the
// same host until next is null. The server is a real one on loopback
// shaped like Konnect's cursor-paged APIs (the emulator has none).
func TestRequestPaginatesCursors(t *testing.T) {
	var afters []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		after := r.URL.Query().Get("page[after]")
		afters = append(afters, after)
		next, data := `"/v1/things?page%5Bafter%5D=c2"`, `[{"n":1},{"n":2}]`
		switch after {
		case "c2":
			next, data = `"https://evil.example/v1/things?page%5Bafter%5D=c3"`, `[{"n":3}]`
		case "c3":
			next, data = `null`, `[{"n":4}]`
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":%s,"meta":{"page":{"size":2,"next":%s}}}`, data, next)
	}))
	defer srv.Close()
	c, err := konnect.New(konnect.Options{BaseURL: srv.URL, Token: "kpat_" + strings.Repeat("s", 49)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Request(context.Background(), konnect.Request{Path: "/v1/things", Paginate: true})
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Body) != `[{"n":1},{"n":2},{"n":3},{"n":4}]` || res.Pages != 3 {
		t.Fatalf("body %s after %d pages", res.Body, res.Pages)
	}
	// Only the cursor of a next link is used; its host never is.
	if !slices.Equal(afters, []string{"", "c2", "c3"}) {
		t.Fatalf("cursors sent: %q", afters)
	}
}

// TestRequestRouting: a regional path goes to the profile's region, or
// to --region's; an Identity or organizations path goes to the global
// host whatever the region says.
func TestRequestRouting(t *testing.T) {
	r := newRig(t, emulator.Options{ControlPlanes: 1}, konnect.Options{})
	emu, _ := url.Parse(r.base)
	tr := &toEmulator{emu: emu, base: r.rec.Transport(nil)}
	c, err := konnect.New(konnect.Options{BaseURL: "https://eu.api.konghq.com", Token: r.emu.AdminToken(),
		HTTPClient: &http.Client{Transport: tr, Timeout: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, region, want string }{
		{"/v2/control-planes", "", "https://eu.api.konghq.com"},
		{"v2/control-planes", "au", "https://au.api.konghq.com"},
		{"/v3/users/me", "", "https://global.api.konghq.com"},
		{"/v3/organizations/me", "au", "https://global.api.konghq.com"},
	} {
		tr.seen = nil
		res, err := c.Request(context.Background(), konnect.Request{Path: tc.path, Region: tc.region})
		if err != nil || res.Status != 200 {
			t.Fatalf("%s: %v %+v", tc.path, err, res)
		}
		if len(tr.seen) != 1 || tr.seen[0] != tc.want || !strings.HasPrefix(res.URL, tc.want+"/") {
			t.Errorf("%s (region %q) went to %v (%s), want %s", tc.path, tc.region, tr.seen, res.URL, tc.want)
		}
	}
	if _, err := c.Request(context.Background(), konnect.Request{Path: "/v2/control-planes", Region: "e_u"}); err == nil {
		t.Error("an invalid region was accepted")
	}
	r.clean(t)
}

// TestGlobalPathsCoverTheGlobalSpecs: every path of the Identity and
// Organizations documents is routed to the global host, and none of the
// Control Planes document is.
func TestGlobalPathsCoverTheGlobalSpecs(t *testing.T) {
	d, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		prefix string
		paths  []string
		global bool
	}{{"/v3", d.Identity.Paths.InMatchingOrder(), true}, {"/v3", d.Organizations.Paths.InMatchingOrder(), true}, {"/v2", d.ControlPlanes.Paths.InMatchingOrder(), false}} {
		for _, p := range tc.paths {
			if got := konnect.IsGlobalPath(tc.prefix + p); got != tc.global {
				t.Errorf("%s%s: global = %v, want %v", tc.prefix, p, got, tc.global)
			}
		}
	}
	if konnect.IsGlobalPath("/v3/portals") {
		t.Error("/v3/portals is regional")
	}
}

// TestRequestRefusals: what Request refuses, it refuses before sending
// anything.
func TestRequestRefusals(t *testing.T) {
	r := newRig(t, emulator.Options{}, konnect.Options{})
	for _, req := range []konnect.Request{
		{Path: "https://evil.example/v2/control-planes"},
		{Path: "//evil.example/v2/control-planes"},
		{Path: "/v2/../v3/users"},
		{Path: ""},
		{Method: "TRACE", Path: "/v2/control-planes"},
		{Method: "POST", Path: "/v2/control-planes", Paginate: true},
		{Path: "/v2/control-planes", Header: http.Header{"authorization": {"Bearer x"}}},
		{Path: "/v2/control-planes", Header: http.Header{"Host": {"evil.example"}}},
	} {
		if _, err := r.client.Request(context.Background(), req); err == nil {
			t.Errorf("%+v was accepted", req)
		}
	}
	if n := len(r.emu.RequestLog()); n != 0 {
		t.Fatalf("%d requests reached Konnect", n)
	}
}

// TestRequestRetries: a GET is retried through a 503; a POST is not, so
// a create is never sent twice; a 404 is an answer, not an error.
func TestRequestRetries(t *testing.T) {
	r := newRig(t, emulator.Options{ControlPlanes: 1}, konnect.Options{})
	r.emu.SetFaults(emulator.Faults{ErrorEvery: 2})
	r.client.Request(context.Background(), konnect.Request{Path: "/v2/control-planes"}) // request 1: passes
	res, err := r.client.Request(context.Background(), konnect.Request{Path: "/v2/control-planes"})
	if err != nil || res.Status != 200 {
		t.Fatalf("GET through a 503: %v %+v", err, res)
	}
	r.emu.SetFaults(emulator.Faults{ErrorEvery: 1})
	res, err = r.client.Request(context.Background(), konnect.Request{Method: "post", Path: "/v2/control-planes", Body: []byte(`{"name":"once"}`)})
	if err != nil || res.Status != 503 {
		t.Fatalf("POST answered 503: %v %+v", err, res)
	}
	if n := opCount(r.emu, "create-control-plane"); n != 1 {
		t.Fatalf("the POST was sent %d times", n)
	}
	// Committed, then the connection dropped: not sent again, and the
	// error says to look first.
	r.emu.SetFaults(emulator.Faults{DropAfterCommit: "create-control-plane"})
	_, err = r.client.Request(context.Background(), konnect.Request{Method: "POST", Path: "/v2/control-planes", Body: []byte(`{"name":"dropped"}`)})
	if !errors.Is(err, konnect.ErrNoAnswer) {
		t.Fatalf("dropped POST: %v", err)
	}
	if n := opCount(r.emu, "create-control-plane"); n != 2 {
		t.Fatalf("the dropped POST was sent %d times", n-1)
	}
	r.emu.SetFaults(emulator.Faults{})
	res, err = r.client.Request(context.Background(), konnect.Request{Path: "/v2/control-planes/" + "00000000-0000-4000-8000-000000000000"})
	if err != nil || res.Status != 404 || !strings.Contains(string(res.Body), "Not Found") {
		t.Fatalf("404: %v %+v", err, res)
	}
}

// TestRequestSizeCap: an answer over MaxBytes is an error, never a cut
// body; so is a paginated answer whose pages together are.
func TestRequestSizeCap(t *testing.T) {
	r := newRig(t, emulator.Options{ControlPlanes: 25}, konnect.Options{})
	_, err := r.client.Request(context.Background(), konnect.Request{Path: "/v2/control-planes", MaxBytes: 200})
	if err == nil || !strings.Contains(err.Error(), "over the size limit") {
		t.Fatalf("one page over the cap: %v", err)
	}
	_, err = r.client.Request(context.Background(), konnect.Request{Path: "/v2/control-planes", MaxBytes: 8000, Paginate: true})
	if err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("pages over the cap: %v", err)
	}
}
