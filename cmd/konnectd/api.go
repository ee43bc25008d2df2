package main

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/internal/cli/api"
	"github.com/konnectd/konnectd/rpc"
)

// newAPICmd wires internal/cli/api to this binary: the daemon connection
// (--socket, --no-start, --timeout) and the exit codes.
func newAPICmd() *cobra.Command {
	var co clientOptions
	f := &api.Factory{ErrIsTerminal: stderrIsTerminal()}
	f.Request = func(ctx context.Context, p *api.Params, onProgress func(done, total int)) (*api.Result, error) {
		if co.timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, co.timeout)
			defer cancel()
		}
		var onNotify rpc.NotificationHandler
		if onProgress != nil {
			onNotify = func(method string, params json.RawMessage) {
				var pp rpc.ProgressParams
				if method == "$/progress" && json.Unmarshal(params, &pp) == nil {
					onProgress(pp.Done, pp.Total)
				}
			}
		}
		c, err := connect(ctx, &co, onNotify)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		if err := initialize(ctx, c, "konnectd-api", p.Profile); err != nil {
			return nil, rpcFailure(err)
		}
		var res api.Result
		if err := c.Call(ctx, "konnect/request", p, &res); err != nil {
			var e *rpc.Error
			if errors.As(err, &e) && (e.Code == rpc.CodeValidation || e.Code == rpc.CodeInvalidParams) {
				return nil, usageError("%s", e.Message)
			}
			return nil, rpcFailure(err)
		}
		return &res, nil
	}
	cmd := api.NewCmd(f, nil)
	co.addFlags(cmd)
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		f.In, f.Out, f.ErrOut = c.InOrStdin(), c.OutOrStdout(), c.ErrOrStderr()
		err := run(c, args)
		var ee *api.ExitError
		if errors.As(err, &ee) {
			return &exitError{code: ee.Code, err: ee.Err}
		}
		return err
	}
	return cmd
}
