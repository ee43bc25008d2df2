package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/konnectd/konnectd/rpc"
)

type callOptions struct {
	client clientOptions
	print  printOptions
}

func newCallCmd() *cobra.Command {
	o := &callOptions{}
	cmd := &cobra.Command{
		Use:   "call METHOD [PARAMS]",
		Short: "Call one daemon method and print its result",
		Long: `Call one JSON-RPC method on the running daemon and print the result.

PARAMS is a JSON object given as one argument, or "-" to read it from
stdin. The daemon is started in the background if none is running.
Your KONGCTL_* variables travel with the request, so profile overrides
such as KONGCTL_DEFAULT_KONNECT_PAT apply as they would for kongctl.

The result is printed as indented JSON; -o yaml and -o text, --jq and -r
work as in kongctl. An RPC error is printed to stderr with exit code 1;
a usage error exits with 2. Methods are listed in docs/protocol.md and by
"konnectd call initialize".`,
		Example: `  konnectd call daemon/status
  konnectd call jq/eval '{"expression":".a","input":{"a":1}}'
  echo '{"expression":".[]","input":[1,2],"rawOutput":true}' | konnectd call jq/eval -
  konnectd call daemon/status --jq .pid -r`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCall(cmd.Context(), o, args, cmd.InOrStdin(), cmd.OutOrStdout())
		},
	}
	o.client.addFlags(cmd)
	o.print.addFlags(cmd)
	cmd.Flags().StringVarP(&o.client.profile, "profile", "p", "", "default profile for this call (as kongctl's -p)")
	return cmd
}

func runCall(ctx context.Context, o *callOptions, args []string, stdin io.Reader, stdout io.Writer) error {
	if err := o.print.validate(); err != nil {
		return err
	}
	var params json.RawMessage
	if len(args) == 2 {
		raw := []byte(args[1])
		if args[1] == "-" {
			var err error
			if raw, err = io.ReadAll(stdin); err != nil {
				return fmt.Errorf("read params from stdin: %w", err)
			}
		}
		raw = []byte(strings.TrimSpace(string(raw)))
		if !json.Valid(raw) {
			return usageError("PARAMS is not valid JSON: %s", describeJSONError(raw))
		}
		params = raw
	}
	if o.client.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.client.timeout)
		defer cancel()
	}
	c, err := connect(ctx, &o.client, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := initialize(ctx, c, "konnectd-call", o.client.profile); err != nil {
		return rpcFailure(err)
	}
	var result json.RawMessage
	if err := c.Call(ctx, args[0], params, &result); err != nil {
		// A token created before a later step failed is in the error's
		// data and nowhere else: print it, or it is lost.
		keepCreated(err, stdout)
		return rpcFailure(err)
	}
	return o.print.print(ctx, stdout, result)
}

// rpcFailure turns an RPC error into exit code 1 with the daemon's message.
func rpcFailure(err error) error {
	var e *rpc.Error
	if errors.As(err, &e) {
		return &exitError{code: 1, err: errors.New(e.Message)}
	}
	return &exitError{code: 1, err: err}
}

func describeJSONError(raw []byte) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err.Error()
	}
	return "invalid JSON"
}

// stdinIsTerminal reports whether stdin is an interactive terminal. It asks
// the terminal driver (isatty), not the file mode: /dev/null is a character
// device too, and "login < /dev/null" must read an empty stdin, not prompt.
func stdinIsTerminal() bool {
	return term.IsTerminal(int(os.Stdin.Fd()))
}
