package konnect_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/konnect/emulator"
)

// TestEveryOperationConformsToSpec walks every operation the client uses,
// happy paths and error paths, and fails on any request or response that
// does not match the official spec, on either side of the wire.
func TestEveryOperationConformsToSpec(t *testing.T) {
	r := newRig(t, emulator.Options{}, konnect.Options{})
	ctx := context.Background()
	c := r.client

	me, err := c.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != emulator.CharlieCruzID || len(me.Raw) == 0 {
		t.Fatalf("me = %+v", me)
	}
	org, err := c.Organization(ctx)
	if err != nil || org.OwnerID != me.ID {
		t.Fatalf("organization = %+v, %v", org, err)
	}
	users, err := c.ListUsers(ctx, konnect.ListOptions{PageSize: 2})
	if err != nil || len(users.Items) != 3 || users.Total != 3 {
		t.Fatalf("users = %+v, %v", users, err)
	}
	if _, err := c.GetUser(ctx, emulator.AlexCruzID); err != nil {
		t.Fatal(err)
	}
	labelled, err := c.ListTeams(ctx, konnect.ListOptions{Filter: mustFilter(t, "filter[labels.env][eq]=prod")})
	if err != nil || len(labelled.Items) != 1 || labelled.Items[0].Name != "Platform" {
		t.Fatalf("teams with env=prod = %+v, %v", labelled, err)
	}
	if _, err := c.GetTeam(ctx, labelled.Items[0].ID); err != nil {
		t.Fatal(err)
	}
	for _, s := range []konnect.Subject{
		{Kind: konnect.SubjectUser, ID: emulator.AlexCruzID},
		{Kind: konnect.SubjectTeam, ID: labelled.Items[0].ID},
		{Kind: konnect.SubjectSystemAccount, ID: "a1b2c3d4-0001-4000-8000-000000000001"},
	} {
		roles, err := c.ListAssignedRoles(ctx, s, konnect.ListOptions{Filter: mustFilter(t, `{"role_name":"Viewer"}`)})
		if err != nil {
			t.Fatal(err)
		}
		for _, ro := range roles.Items {
			if ro.RoleName != "Viewer" {
				t.Errorf("%s roles: got %s under a Viewer filter", s.Kind, ro.RoleName)
			}
		}
	}
	accounts, err := c.ListSystemAccounts(ctx, konnect.ListOptions{Filter: mustFilter(t, "filter[konnect_managed]=false")})
	if err != nil || len(accounts.Items) != 2 {
		t.Fatalf("unmanaged accounts = %+v, %v", accounts, err)
	}
	acct, err := c.CreateSystemAccount(ctx, "walker", "made by the spec walk")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetSystemAccount(ctx, acct.ID); err != nil {
		t.Fatal(err)
	}
	// The seeded ci-deployer belongs to Platform.
	if teams, err := c.ListSystemAccountTeams(ctx, "a1b2c3d4-0001-4000-8000-000000000001",
		konnect.ListOptions{Filter: mustFilter(t, `{"name":"Platform"}`)}); err != nil || len(teams.Items) != 1 || teams.Items[0].Name != "Platform" {
		t.Fatalf("system account teams = %+v, %v", teams, err)
	}
	var ae *konnect.APIError
	if _, err := c.CreateSystemAccount(ctx, "walker", "again"); !errors.As(err, &ae) || ae.Status != 409 {
		t.Fatalf("duplicate account: %v", err)
	}

	// PATs, both request forms.
	p1, err := c.CreatePAT(ctx, me.ID, konnect.PATRequest{Name: "walk ttl", TTLSeconds: 86400})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := c.CreatePAT(ctx, me.ID, konnect.PATRequest{Name: "walk-at",
		ExpiresAt: time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)})
	if err != nil {
		t.Fatal(err)
	}
	if len(p1.Token) != 5+49 || p1.Token[:5] != "kpat_" || p1.Raw != nil {
		t.Fatalf("PAT secret has the wrong shape (len %d) or was kept raw", len(p1.Token))
	}
	pats, err := c.ListPATs(ctx, me.ID, konnect.ListOptions{Filter: mustFilter(t, "filter[name][contains]=walk")})
	if err != nil || len(pats.Items) != 2 {
		t.Fatalf("PATs named walk = %+v, %v", pats, err)
	}
	if got, err := c.GetPAT(ctx, me.ID, p1.ID); err != nil || got.State != "ACTIVE" {
		t.Fatalf("get PAT = %+v, %v", got, err)
	}
	if got, err := c.RevokePAT(ctx, me.ID, p1.ID); err != nil || got.State != "REVOKED" {
		t.Fatalf("revoke PAT = %+v, %v", got, err)
	}
	if err := c.DeletePAT(ctx, me.ID, p2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetPAT(ctx, me.ID, p2.ID); !konnect.NotFound(err) {
		t.Fatalf("deleted PAT: %v", err)
	}

	// SPATs.
	s1, err := c.CreateSPAT(ctx, acct.ID, "deploy", time.Now().Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(s1.Token) != 5+50 || s1.Token[:5] != "spat_" {
		t.Fatalf("SPAT secret has the wrong shape (len %d)", len(s1.Token))
	}
	if _, err := c.CreateSPAT(ctx, acct.ID, "deploy", time.Now().Add(30*24*time.Hour)); !errors.As(err, &ae) || ae.Status != 409 {
		t.Fatalf("duplicate SPAT name: %v", err)
	}
	spats, err := c.ListSPATs(ctx, acct.ID, konnect.ListOptions{})
	if err != nil || len(spats.Items) != 1 {
		t.Fatalf("SPATs = %+v, %v", spats, err)
	}
	if _, err := c.GetSPAT(ctx, acct.ID, s1.ID); err != nil {
		t.Fatal(err)
	}

	// The SPAT is a credential of its own: refused where the spec refuses it.
	sc, err := konnect.New(konnect.Options{BaseURL: r.base, Token: s1.Token, HTTPClient: r.httpClient()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Organization(ctx); err != nil {
		t.Fatalf("organization with a SPAT: %v", err)
	}
	if err := c.DeleteSPAT(ctx, acct.ID, s1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Organization(ctx); !errors.As(err, &ae) || ae.Status != 401 {
		t.Fatalf("deleted SPAT still works: %v", err)
	}

	// Errors the spec declares.
	if _, err := c.GetUser(ctx, "00000000-0000-4000-8000-000000000000"); !konnect.NotFound(err) {
		t.Fatalf("unknown user: %v", err)
	}
	revoked, err := konnect.New(konnect.Options{BaseURL: r.base, Token: p1.Token, HTTPClient: r.httpClient()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := revoked.Me(ctx); err != nil {
		t.Fatalf("a revoked PAT works for the grace, as in Konnect: %v", err)
	}
	r.emu.Advance(emulator.DefaultRevokeGrace)
	if _, err := revoked.Me(ctx); !errors.As(err, &ae) || ae.Status != 401 {
		t.Fatalf("revoked PAT after the grace: %v", err)
	}

	// Control Planes v2, through the generic request.
	cp, err := c.Request(ctx, konnect.Request{Method: "POST", Path: "/v2/control-planes", Body: []byte(`{"name":"walk","labels":{"env":"test"}}`)})
	if err != nil || cp.Status != 201 {
		t.Fatalf("create control plane: %v %+v", err, cp)
	}
	var created struct{ ID string }
	json.Unmarshal(cp.Body, &created)
	for _, req := range []konnect.Request{
		{Path: "/v2/control-planes/" + created.ID},
		{Method: "PATCH", Path: "/v2/control-planes/" + created.ID, Body: []byte(`{"description":"walked"}`)},
		{Path: "/v2/control-planes?filter[name][contains]=wal", Paginate: true},
		{Method: "DELETE", Path: "/v2/control-planes/" + created.ID},
	} {
		if res, err := c.Request(ctx, req); err != nil || res.Status >= 300 {
			t.Fatalf("%s %s: %v %+v", req.Method, req.Path, err, res)
		}
	}

	seen := r.emu.Requests()
	for _, op := range emulator.Operations() {
		if seen[op] == 0 {
			t.Errorf("operation %s was not exercised", op)
		}
	}
	if seen["unknown"] != 0 {
		t.Errorf("%d requests matched no operation", seen["unknown"])
	}
	if !slices.Contains(emulator.Operations(), "create-personal-access-token") {
		t.Error("the emulator does not serve PAT creation")
	}
	r.clean(t)

	// Two requests the spec forbids, sent on purpose: the emulator must
	// refuse them and both validators must flag them.
	before := len(r.rec.Violations())
	if _, err := c.CreatePAT(ctx, me.ID, konnect.PATRequest{Name: "x", TTLSeconds: 86400}); !errors.As(err, &ae) || ae.Status != 400 {
		t.Fatalf("one-letter PAT name: %v", err) // the spec pattern needs two characters
	}
	if _, err := sc.Me(ctx); !errors.As(err, &ae) || ae.Status != 401 {
		t.Fatalf("me with a SPAT: %v", err)
	} else {
		noSecret(t, err.Error())
	}
	for _, v := range [][]string{r.rec.Violations()[before:], r.emu.Violations()} {
		if len(v) != 2 || !strings.HasPrefix(v[0], "create-personal-access-token request") || !strings.HasPrefix(v[1], "get-users-me request") {
			t.Errorf("validator flagged %q, want the bad PAT name and the SPAT on /users/me", v)
		}
		for _, s := range v {
			noSecret(t, s)
		}
	}
}

func (r *rig) httpClient() *http.Client {
	return &http.Client{Transport: r.rec.Transport(nil), Timeout: 60 * time.Second}
}

func mustFilter(t testing.TB, s string) konnect.Filter {
	t.Helper()
	f, err := konnect.ParseFilter(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
