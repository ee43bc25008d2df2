package token

import (
	"reflect"
	"testing"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/internal/cli/cmdutil"
)

type recorder struct {
	method string
	params map[string]any
}

func (r *recorder) Run(_ *cobra.Command, method string, params map[string]any, _ string) error {
	r.method, r.params = method, params
	return nil
}

func TestGetTokenParams(t *testing.T) {
	const id = "a1b2c3d4-0001-4000-8000-000000000001"
	for _, tc := range []struct {
		kind string
		args []string
		want map[string]any
	}{
		{"pat", nil, map[string]any{"kind": "pat"}},
		{"pat", []string{"ci", "--user-id", id}, map[string]any{"kind": "pat", "name": "ci", "userId": id}},
		{"spat", []string{id, "--system-account-name=ci-deployer"}, map[string]any{"kind": "spat", "id": id, "systemAccountName": "ci-deployer"}},
		{"spat", []string{"--system-account-id", id, "--page-size", "50"}, map[string]any{"kind": "spat", "systemAccountId": id, "pageSize": 50}},
	} {
		r := &recorder{}
		f := &cmdutil.Factory{NewVerb: func(*cobra.Command, ...string) cmdutil.Verb { return r }}
		cmd := NewGetCmd(f, tc.kind)
		cmd.SetArgs(tc.args)
		if err := cmd.Execute(); err != nil || r.method != "token/list" || !reflect.DeepEqual(r.params, tc.want) {
			t.Errorf("%s %v: %s %v %v; want %v", tc.kind, tc.args, r.method, r.params, err, tc.want)
		}
	}
}
