package token

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// runTree runs args through a root holding cmd, as the binary does.
func runTree(cmd *cobra.Command, args ...string) error {
	root := &cobra.Command{Use: "konnectd", SilenceErrors: true, SilenceUsage: true}
	root.AddCommand(cmd)
	root.SetArgs(args)
	return root.Execute()
}

func TestCreateTokenParams(t *testing.T) {
	const id = "a1b2c3d4-0001-4000-8000-000000000001"
	for _, tc := range []struct {
		args   []string
		method string
		want   map[string]any
	}{
		{[]string{"create", "pat", "--name", "ci", "--expires-in", "30d"}, "token/createPersonal",
			map[string]any{"name": "ci", "expiresIn": "30d"}},
		{[]string{"create", "k", "pats", "--name=ci", "--expires-at", "2027-06-24T12:00:00Z", "--user-id", id, "--store", "deploy"}, "token/createPersonal",
			map[string]any{"name": "ci", "expiresAt": "2027-06-24T12:00:00Z", "userId": id, "store": map[string]any{"name": "deploy", "replace": false}}},
		{[]string{"create", "konnect", "org", "sa", "spat", "--name", "ci", "--system-account-name", "ci-deployer", "--store-as-profile", "ci", "--replace"}, "token/createSystemAccount",
			map[string]any{"name": "ci", "systemAccountName": "ci-deployer", "store": map[string]any{"profile": "ci", "replace": true}}},
		{[]string{"create", "spat", "--system-account-id", id}, "token/createSystemAccount",
			map[string]any{"name": "", "systemAccountId": id}},
		{[]string{"create", "system-account", "--name", "ci-deployer", "--description", "Deploys"}, "systemAccount/create",
			map[string]any{"name": "ci-deployer", "description": "Deploys"}},
	} {
		r := &flowRecorder{}
		err := runTree(NewCreateCmd(flowFactory(r)), tc.args...)
		if err != nil || len(r.sent) != 1 || r.sent[0].method != tc.method || !reflect.DeepEqual(r.sent[0].params, tc.want) {
			t.Errorf("%v: %v %v; want %s %v", tc.args, r.sent, err, tc.method, tc.want)
		}
	}
}

// kongctl's quirk: in "--jq -r '.token'" -r is taken as the expression
// and the argument is the real one, printed raw.
func TestCreateJQRawQuirk(t *testing.T) {
	r := &flowRecorder{}
	err := runTree(NewCreateCmd(flowFactory(r)), "create", "pat", "--name", "ci", "-o", "json", "--jq", "-r", ".token")
	if err != nil || len(r.sent) != 1 || r.jq != ".token" || !r.raw {
		t.Fatalf("sent %v, jq %q raw %v, err %v; want one request with --jq .token -r", r.sent, r.jq, r.raw, err)
	}
}

// Usage mistakes are refused before anything is sent: a token is never
// created by a command line that is wrong.
func TestCreateUsageErrorsSendNothing(t *testing.T) {
	for args, want := range map[string]string{
		"create pat --name ci --replace":                       "--replace applies to --store and --store-as-profile only",
		"create pat --name ci extra":                           `unknown command "extra" for "konnectd create pat"`,
		"create spat --name ci --store a --store-as-profile b": "none of the others can be",
		"create nosuch":                                        `unknown command "nosuch" for "konnectd create"`,
	} {
		r := &flowRecorder{}
		err := runTree(NewCreateCmd(flowFactory(r)), strings.Fields(args)...)
		if err == nil || !strings.Contains(err.Error(), want) || len(r.sent) != 0 {
			t.Errorf("%s: %v, sent %v; want %q and nothing sent", args, err, r.sent, want)
		}
		var u usageErr
		if want != "none of the others can be" && !errors.As(err, &u) {
			t.Errorf("%s: %T is not the Factory's usage error", args, err)
		}
	}
}
