package token

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/cli/cmdutil"
	"github.com/konnectd/konnectd/output"
)

// call is one request a command made.
type call struct {
	method string
	params any
}

// flowRecorder is the test seam for create and delete: a Flow that keeps
// what it was asked to send and answers from a script, with kongctl's
// output flags registered so they parse as they do in the binary.
type flowRecorder struct {
	sent   []call // Send, Open and Dial, as "open:<client>"
	conn   []call // calls on the connection, Forget as keychain/forget
	jq     string
	raw    bool
	token  output.TokenInfo // token/list's answer
	answer core.Text        // token/delete's (Send's and the connection's)
}

func (r *flowRecorder) register(cmd *cobra.Command) cmdutil.Flow {
	cmd.Flags().StringP("output", "o", "", "")
	cmd.Flags().StringVar(&r.jq, "jq", "", "")
	cmd.Flags().BoolVarP(&r.raw, "jq-raw-output", "r", false, "")
	return r
}

func (r *flowRecorder) Send(cmd *cobra.Command, method string, params map[string]any, then cmdutil.Then) error {
	r.sent = append(r.sent, call{method, params})
	if then != nil {
		return then(context.Background(), r, r.answer)
	}
	return nil
}

func (r *flowRecorder) Open(cmd *cobra.Command, params map[string]any, kind output.Kind, client string) (context.Context, cmdutil.Conn, func(), error) {
	params["format"] = "the format"
	params["profile"] = "dev"
	r.sent = append(r.sent, call{"open:" + client, kind})
	return context.Background(), r, func() {}, nil
}

func (r *flowRecorder) Dial(cmd *cobra.Command, client string) (context.Context, cmdutil.Conn, func(), error) {
	r.sent = append(r.sent, call{"dial:" + client, nil})
	return context.Background(), r, func() {}, nil
}

func (r *flowRecorder) Call(_ context.Context, method string, params, result any) error {
	r.conn = append(r.conn, call{method, params})
	switch res := result.(type) {
	case *output.TokenInfo:
		*res = r.token
	case *core.Text:
		*res = r.answer
	}
	return nil
}

func (r *flowRecorder) Forget(_ context.Context, params map[string]string) (string, error) {
	r.conn = append(r.conn, call{"keychain/forget", params})
	return "Forgot " + params["account"], nil
}

func (r *flowRecorder) Write(cmd *cobra.Command, res core.Text) error {
	_, err := fmt.Fprint(cmd.OutOrStdout(), res.Text)
	return err
}

func (r *flowRecorder) CompleteProfiles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveNoFileComp
}

type usageErr struct{ msg string }

func (e usageErr) Error() string { return e.msg }

type failErr struct{ err error }

func (e failErr) Error() string { return e.err.Error() }

func flowFactory(r *flowRecorder) *cmdutil.Factory {
	return &cmdutil.Factory{
		NewVerb: func(cmd *cobra.Command, _ ...string) cmdutil.Verb { r.register(cmd); return nil },
		NewFlow: func(cmd *cobra.Command, _ ...string) cmdutil.Flow { return r.register(cmd) },
		Usage: func(_ *cobra.Command, format string, args ...any) error {
			return usageErr{fmt.Sprintf(format, args...)}
		},
		Fail:    func(err error) error { return failErr{err} },
		Refused: func(_ *cobra.Command, err error) error { return err },
	}
}
