package core_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/konnect/emulator"
)

// fixedConfig is a config file that never changes.
type fixedConfig struct{ f *config.File }

func (c fixedConfig) Current() (*config.File, error) { return c.f, nil }

// identityRig is a strict emulator on loopback and a Service whose default
// profile points at it; the caller's token travels in its environment, as
// KONGCTL_DEFAULT_KONNECT_PAT does for kongctl.
type identityRig struct {
	emu    *emulator.Emulator
	svc    *core.Service
	caller core.Caller
}

// extraYAML continues the default profile's konnect section.
func newIdentityRig(t *testing.T, o emulator.Options, extraYAML string) *identityRig {
	t.Helper()
	o.Strict = true
	emu, err := emulator.New(o)
	if err != nil {
		t.Fatal(err)
	}
	base, err := emu.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if v := emu.Violations(); len(v) > 0 {
			t.Errorf("spec violations:\n%s", strings.Join(v, "\n"))
		}
		emu.Close()
	})
	f, err := config.Parse("config.yaml", []byte("default:\n  konnect:\n    base-url: "+base+"\n"+extraYAML))
	if err != nil {
		t.Fatal(err)
	}
	return &identityRig{
		emu:    emu,
		svc:    core.New(core.Options{Config: fixedConfig{f}}),
		caller: core.Caller{Env: config.Env{"KONGCTL_DEFAULT_KONNECT_PAT": emu.AdminToken()}},
	}
}

func names(t *testing.T, v any) []string {
	t.Helper()
	l, ok := v.(*core.List)
	if !ok {
		t.Fatalf("want *core.List, got %T", v)
	}
	var out []string
	for _, raw := range l.Data {
		var u struct {
			FullName string `json:"full_name"`
		}
		if err := json.Unmarshal(raw, &u); err != nil {
			t.Fatal(err)
		}
		out = append(out, u.FullName)
	}
	if l.Meta.Returned != len(l.Data) {
		t.Errorf("meta.returned %d for %d items", l.Meta.Returned, len(l.Data))
	}
	return out
}

func TestListUsersFilterBothForms(t *testing.T) {
	r := newIdentityRig(t, emulator.Options{}, "")
	ctx := context.Background()
	for _, tc := range []struct {
		query, json string
		want        []string
	}{
		{"filter[name][contains]=Charlie", `{"name":{"contains":"Charlie"}}`, []string{"Charlie Cruz"}},
		{"filter[full_name][contains]=Cruz&filter[name]=Alex", `{"full_name":{"contains":"Cruz"},"name":"Alex"}`, []string{"Alex Cruz"}},
		{"filter[updated_at]", `{"updated_at":{"exists":true}}`, []string{"Alex Cruz", "Alex Garcia"}},
	} {
		for _, f := range []string{tc.query, tc.json} {
			v, err := r.svc.ListUsers(ctx, r.caller, core.ListQuery{Filter: f}, nil)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if got := names(t, v); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s: got %v, want %v", f, got, tc.want)
			}
		}
	}
}

func TestListUsersPagesLimitAndProgress(t *testing.T) {
	r := newIdentityRig(t, emulator.Options{Users: 95}, "    page-size: 20\n")
	ctx := context.Background()
	var mu sync.Mutex
	var calls, last int
	v, err := r.svc.ListUsers(ctx, r.caller, core.ListQuery{Progress: func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		calls, last = calls+1, done
		if total != 95 {
			t.Errorf("progress total %d, want 95", total)
		}
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	all := v.(*core.List)
	if l := all; len(l.Data) != 95 || l.Meta.Total != 95 || l.Meta.LocalFilter != "" {
		t.Fatalf("got %d items, meta %+v", len(all.Data), all.Meta)
	}
	// The profile's konnect.page-size (20) shapes the pages: 5 of them.
	if calls != 5 || last != 95 {
		t.Errorf("progress: %d calls ending at %d, want 5 ending at 95", calls, last)
	}
	if n := r.emu.Requests()["list-users"]; n != 5 {
		t.Errorf("%d requests for 5 pages", n)
	}
	v, err = r.svc.ListUsers(ctx, r.caller, core.ListQuery{PageSize: 7, Limit: 9}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Limit keeps Konnect's order: the first 9 of the full listing.
	if l := v.(*core.List); len(l.Data) != 9 || !reflect.DeepEqual(l.Data, all.Data[:9]) {
		t.Fatalf("limit 9: %d items", len(l.Data))
	}
}

func TestIdentityFormats(t *testing.T) {
	r := newIdentityRig(t, emulator.Options{}, "")
	ctx := context.Background()
	jq := ".[].full_name"
	v, err := r.svc.ListUsers(ctx, r.caller, core.ListQuery{Filter: "filter[name]=Alex"}, &core.Format{JQ: &jq, RawOutput: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.(core.Text).Text; got != "Alex Cruz\nAlex Garcia\n" {
		t.Errorf("--jq -r on users: %q", got)
	}
	v, err = r.svc.ListUsers(ctx, r.caller, core.ListQuery{Filter: "filter[name]=Nobody"}, &core.Format{Output: "json"})
	if err != nil || v.(core.Text).Text != "[]\n" {
		t.Fatalf("empty json list: %v %v", v, err)
	}
	v, err = r.svc.ListTeams(ctx, r.caller, core.ListQuery{}, &core.Format{})
	if err != nil || !strings.HasPrefix(v.(core.Text).Text, "NAME") || !strings.Contains(v.(core.Text).Text, "Platform") {
		t.Fatalf("teams text: %v %v", v, err)
	}
	// get me prints the raw user with sorted keys.
	v, err = r.svc.Me(ctx, r.caller, &core.Format{Output: "json"})
	if err != nil {
		t.Fatal(err)
	}
	text := v.(core.Text).Text
	if !strings.HasPrefix(text, "{\n  \"active\": true,\n  \"created_at\"") || !strings.Contains(text, `"full_name": "Charlie Cruz"`) {
		t.Errorf("me json:\n%s", text)
	}
	// Without a format, Me is the raw object.
	v, err = r.svc.Me(ctx, r.caller, nil)
	if raw, ok := v.(json.RawMessage); err != nil || !ok || !strings.Contains(string(raw), emulator.CharlieCruzID) {
		t.Fatalf("me raw: %T %v", v, err)
	}
	v, err = r.svc.Organization(ctx, r.caller, &core.Format{})
	if err != nil || !strings.Contains(v.(core.Text).Text, "Acme Co.") {
		t.Fatalf("organization text: %v %v", v, err)
	}
}

// Everything wrong with a request is found before Konnect hears of it.
func TestIdentityValidatesBeforeAnyRequest(t *testing.T) {
	r := newIdentityRig(t, emulator.Options{}, "")
	ctx := context.Background()
	bad := ".[] |"
	var ve *core.ValidationError
	cases := []func() error{
		func() error {
			_, err := r.svc.ListUsers(ctx, r.caller, core.ListQuery{Filter: "filter[name][like]=x"}, nil)
			return err
		},
		func() error {
			_, err := r.svc.ListTeams(ctx, r.caller, core.ListQuery{PageSize: -1, Limit: -2}, nil)
			return err
		},
		func() error {
			_, err := r.svc.ListSystemAccounts(ctx, r.caller, core.ListQuery{}, &core.Format{Output: "json", JQ: &bad})
			return err
		},
		func() error {
			_, err := r.svc.Me(ctx, r.caller, &core.Format{JQ: &bad})
			return err
		},
		func() error {
			_, err := r.svc.ListAssignedRoles(ctx, r.caller, konnect.Subject{}, core.ListQuery{}, nil)
			return err
		},
	}
	for i, c := range cases {
		if err := c(); !errors.As(err, &ve) {
			t.Errorf("case %d: want a ValidationError, got %v", i, err)
		}
	}
	if reqs := r.emu.Requests(); len(reqs) != 0 {
		t.Errorf("Konnect was called: %v", reqs)
	}
	// get me does not switch to json for --jq (kongctl's rule).
	_, err := r.svc.Me(ctx, r.caller, &core.Format{JQ: new(string)})
	if err == nil || !strings.Contains(err.Error(), "--jq is only supported with --output json or --output yaml") {
		t.Errorf("me --jq without -o: %v", err)
	}
	_, err = r.svc.ListTeams(ctx, r.caller, core.ListQuery{PageSize: -1, Limit: -2}, nil)
	if !errors.As(err, &ve) || len(ve.Problems) != 2 {
		t.Errorf("every problem at once: %v", err)
	}
}

func TestIdentityNoCredential(t *testing.T) {
	r := newIdentityRig(t, emulator.Options{}, "")
	_, err := r.svc.ListUsers(context.Background(), core.Caller{}, core.ListQuery{}, nil)
	var ae *core.AuthError
	if !errors.As(err, &ae) || !strings.HasPrefix(err.Error(), "authentication token not available") {
		t.Fatalf("got %v", err)
	}
}

func TestAssignedRolesBySubject(t *testing.T) {
	r := newIdentityRig(t, emulator.Options{}, "")
	ctx := context.Background()
	for _, tc := range []struct {
		s    konnect.Subject
		want int
	}{
		{konnect.Subject{Kind: konnect.SubjectUser, ID: emulator.AlexCruzID}, 2},
		{konnect.Subject{Kind: konnect.SubjectTeam, ID: "7f9fd312-a987-4628-b4c5-bb4f4fddd5f7"}, 1},
		{konnect.Subject{Kind: konnect.SubjectSystemAccount, ID: "a1b2c3d4-0001-4000-8000-000000000001"}, 1},
	} {
		v, err := r.svc.ListAssignedRoles(ctx, r.caller, tc.s, core.ListQuery{}, nil)
		if err != nil {
			t.Fatalf("%v: %v", tc.s, err)
		}
		if l := v.(*core.List); len(l.Data) != tc.want {
			t.Errorf("%v: %d roles, want %d", tc.s, len(l.Data), tc.want)
		}
	}
	v, err := r.svc.ListAssignedRoles(ctx, r.caller, konnect.Subject{Kind: konnect.SubjectUser, ID: emulator.AlexCruzID},
		core.ListQuery{Filter: `{"role_name":"Publisher"}`}, &core.Format{Output: "json"})
	if err != nil {
		t.Fatal(err)
	}
	if text := v.(core.Text).Text; !strings.Contains(text, "Publisher") || strings.Contains(text, "Viewer") {
		t.Errorf("filtered roles:\n%s", text)
	}
}
