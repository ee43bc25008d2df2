package identity

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/internal/cli/cmdutil"
)

// recorder is the test seam: a Verb that keeps what it was asked to send.
type recorder struct {
	method string
	params map[string]any
	calls  int
}

func (r *recorder) Run(_ *cobra.Command, method string, params map[string]any, _ string) error {
	r.method, r.params = method, params
	r.calls++
	return nil
}

type usageErr struct{ msg string }

func (e usageErr) Error() string { return e.msg }

func testFactory(r *recorder) *cmdutil.Factory {
	return &cmdutil.Factory{
		NewVerb: func(cmd *cobra.Command, _ ...string) cmdutil.Verb {
			cmd.Flags().StringP("output", "o", "", "")
			return r
		},
		Usage: func(cmd *cobra.Command, format string, args ...any) error {
			return usageErr{fmt.Sprintf(format, args...)}
		},
		Fail: func(err error) error { return err },
	}
}

func run(t *testing.T, args ...string) (*recorder, error) {
	t.Helper()
	r := &recorder{}
	f := testFactory(r)
	root := &cobra.Command{Use: "konnectd", SilenceErrors: true, SilenceUsage: true}
	get := &cobra.Command{Use: "get"}
	get.AddCommand(NewMeCmd(f), NewOrganizationCmd(f, nil), NewUserCmd(f), NewTeamCmd(f), NewSystemAccountCmd(f, nil), NewAssignedRolesCmd(f))
	root.AddCommand(get)
	root.SetArgs(args)
	return r, root.Execute()
}

// Each kongctl command line becomes the method and params the daemon
// defines (docs/protocol.md), whichever alias spells it.
func TestCommandLinesToRequests(t *testing.T) {
	const id = "500d74f4-37e1-4b13-b51a-8cf7c7903692"
	for _, tc := range []struct {
		args   []string
		method string
		params map[string]any
	}{
		{[]string{"get", "me"}, "identity/me", map[string]any{}},
		{[]string{"get", "org"}, "identity/organization", map[string]any{}},
		{[]string{"get", "organization", "users", "--page-size=5"}, "identity/listUsers", map[string]any{"pageSize": 5}},
		{[]string{"get", "org", "user", id}, "identity/getUser", map[string]any{"id": id}},
		{[]string{"get", "org", "USERS", "a@b.c"}, "identity/getUser", map[string]any{"email": "a@b.c"}},
		{[]string{"get", "teams", "Platform", "--skip-system-teams"}, "identity/getTeam", map[string]any{"name": "Platform", "skipSystemTeams": true}},
		{[]string{"get", "org", "sa", "ci-deployer"}, "identity/getSystemAccount", map[string]any{"name": "ci-deployer"}},
		{[]string{"get", "org", "user", "roles", "--user-email", "a@b.c"}, "identity/listAssignedRoles", map[string]any{"userEmail": "a@b.c"}},
		{[]string{"get", "org", "team", "roles", "--team-id=" + id}, "identity/listAssignedRoles", map[string]any{"teamId": id}},
		{[]string{"get", "org", "system_accounts", "teams", "--system-account-name", "x"}, "identity/listSystemAccountTeams", map[string]any{"systemAccountName": "x"}},
		{[]string{"get", "assigned-roles", "--system-account-id", id}, "identity/listAssignedRoles", map[string]any{"systemAccountId": id}},
	} {
		r, err := run(t, tc.args...)
		if err != nil || r.calls != 1 || r.method != tc.method || !reflect.DeepEqual(r.params, tc.params) {
			t.Errorf("%v: %s %v (%d calls, %v); want %s %v", tc.args, r.method, r.params, r.calls, err, tc.method, tc.params)
		}
	}
}

// Refusals come before any request, in kongctl's words and kinds: usage
// errors (with the hint) or errors kongctl finds while running.
func TestRefusalsSendNothing(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		msg   string
		usage bool
	}{
		{[]string{"get", "me", "extra"}, "the me command does not accept arguments", true},
		{[]string{"get", "org", "extra"}, "the organization command does not accept arguments", true},
		{[]string{"get", "org", "user", "a", "b"}, "too many arguments", false},
		{[]string{"get", "org", "user", "a", "--filter", "x"}, "--filter and --limit apply to listings, not to one object", true},
		{[]string{"get", "org", "user", "roles"}, "one of --user-id or --user-email is required", false},
		{[]string{"get", "org", "team", "roles", "x"}, "organization team roles does not accept positional arguments; use --team-id or --team-name", false},
		{[]string{"get", "org", "sa", "roles", "--system-account-id", "a", "--system-account-name", "b"}, "--system-account-id and --system-account-name cannot be used together", false},
		{[]string{"get", "assigned-roles"}, "exactly one of --user-id, --team-id or --system-account-id is required", true},
	} {
		r, err := run(t, tc.args...)
		var u usageErr
		if err == nil || err.Error() != tc.msg || errors.As(err, &u) != tc.usage || r.calls != 0 {
			t.Errorf("%v: %v (usage %v, %d calls); want %q usage %v", tc.args, err, errors.As(err, &u), r.calls, tc.msg, tc.usage)
		}
	}
}
