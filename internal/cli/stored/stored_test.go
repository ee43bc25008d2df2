package stored

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/cli/cmdutil"
	"github.com/konnectd/konnectd/output"
)

type call struct {
	method string
	params any
}

// recorder is the test seam: a Flow and Dialer that keep what they were
// asked, with the flags the binary registers.
type recorder struct{ calls []call }

func (r *recorder) Send(_ *cobra.Command, method string, params map[string]any, _ cmdutil.Then) error {
	r.calls = append(r.calls, call{method, params})
	return nil
}

func (r *recorder) Open(*cobra.Command, map[string]any, output.Kind, string) (context.Context, cmdutil.Conn, func(), error) {
	panic("get stored and forget never open a request flow")
}

func (r *recorder) Dial(_ *cobra.Command, client string) (context.Context, cmdutil.Conn, func(), error) {
	r.calls = append(r.calls, call{"dial", client})
	return context.Background(), r, func() {}, nil
}

func (r *recorder) Call(_ context.Context, method string, params, result any) error {
	r.calls = append(r.calls, call{method, params})
	if s, ok := result.(*core.StoredSecret); ok {
		s.Secret = "the-secret"
	}
	return nil
}

func (r *recorder) Forget(_ context.Context, params map[string]string) (string, error) {
	r.calls = append(r.calls, call{"keychain/forget", params})
	return "Forgot " + params["name"], nil
}

func (r *recorder) Write(*cobra.Command, core.Text) error { return nil }

func (r *recorder) CompleteProfiles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveNoFileComp
}

type usageErr struct{ msg string }

func (e usageErr) Error() string { return e.msg }

func run(r *recorder, args ...string) (string, error) {
	f := &cmdutil.Factory{
		NewFlow: func(cmd *cobra.Command, _ ...string) cmdutil.Flow {
			cmd.Flags().StringP("output", "o", "", "")
			return r
		},
		NewClient: func(*cobra.Command) cmdutil.Dialer { return r },
		Usage: func(_ *cobra.Command, format string, args ...any) error {
			return usageErr{fmt.Sprintf(format, args...)}
		},
		Refused: func(_ *cobra.Command, err error) error { return err },
	}
	root := &cobra.Command{Use: "konnectd", SilenceErrors: true, SilenceUsage: true}
	get := &cobra.Command{Use: "get"}
	get.AddCommand(NewGetCmd(f))
	root.AddCommand(get, NewForgetCmd(f))
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func TestStoredCommands(t *testing.T) {
	for _, tc := range []struct {
		args  string
		calls []call
		out   string
	}{
		{"get stored -o json", []call{{"keychain/list", map[string]any{}}}, ""},
		{"get stored recovered:1 --secret", []call{{"dial", "konnectd-get-stored"}, {"keychain/secret", map[string]string{"name": "recovered:1"}}}, "the-secret\n"},
		{"forget token:ci", []call{{"dial", "konnectd-forget"}, {"keychain/forget", map[string]string{"name": "token:ci"}}}, "Forgot token:ci\n"},
	} {
		r := &recorder{}
		out, err := run(r, strings.Fields(tc.args)...)
		if err != nil || !reflect.DeepEqual(r.calls, tc.calls) || out != tc.out {
			t.Errorf("%s: calls %v, stdout %q, err %v; want %v %q", tc.args, r.calls, out, err, tc.calls, tc.out)
		}
	}
}

// A secret is printed only for one named entry with --secret; any other
// shape is a usage error before the daemon is asked anything.
func TestStoredUsageErrorsAskNothing(t *testing.T) {
	for args, want := range map[string]string{
		"get stored token:ci":    "give no argument to list, or NAME with --secret to print one secret",
		"get stored --secret":    "give no argument to list, or NAME with --secret to print one secret",
		"get stored a b":         "give no argument to list, or NAME with --secret to print one secret",
		"forget":                 "accepts 1 arg(s), received 0",
		"forget token:a token:b": "accepts 1 arg(s), received 2",
	} {
		r := &recorder{}
		_, err := run(r, strings.Fields(args)...)
		if _, ok := err.(usageErr); !ok || err.Error() != want || len(r.calls) != 0 {
			t.Errorf("%s: %v, calls %v; want usage error %q", args, err, r.calls, want)
		}
	}
}
