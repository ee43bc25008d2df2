package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/cli/cmdutil"
	"github.com/konnectd/konnectd/output"
	"github.com/konnectd/konnectd/rpc"
)

// factory is the cmdutil.Factory the command packages under internal/cli
// get: the daemon client of this binary, kongctl's shared flags and its
// exit codes.
var factory = &cmdutil.Factory{
	NewVerb: func(cmd *cobra.Command, outputs ...string) cmdutil.Verb {
		o := &verbOptions{}
		o.addFlags(cmd, outputs...)
		return o
	},
	NewFlow: func(cmd *cobra.Command, outputs ...string) cmdutil.Flow {
		o := &verbOptions{}
		o.addFlags(cmd, outputs...)
		return o
	},
	NewClient: func(cmd *cobra.Command) cmdutil.Dialer {
		o := &clientOptions{}
		o.addFlags(cmd)
		return o
	},
	Usage:   commandUsage,
	Fail:    func(err error) error { return &exitError{code: 1, err: err} },
	Refused: verbFailure,
}

// Run is cmdutil.Verb's: runGet, with its progress line.
func (o *verbOptions) Run(cmd *cobra.Command, method string, params map[string]any, progress string) error {
	return runGet(cmd, o, method, params, progress)
}

// Send is cmdutil.Flow's: runVerbThen.
func (o *verbOptions) Send(cmd *cobra.Command, method string, params map[string]any, then cmdutil.Then) error {
	var step func(context.Context, *rpc.Client, core.Text) error
	if then != nil {
		step = func(ctx context.Context, c *rpc.Client, res core.Text) error { return then(ctx, conn{c: c}, res) }
	}
	return runVerbThen(cmd.Context(), cmd, o, method, params, cmd.OutOrStdout(), step)
}

// Open is cmdutil.Flow's: prepare, the output rules of kind, connect and
// initialize, each failing as runVerb's steps fail.
func (o *verbOptions) Open(cmd *cobra.Command, params map[string]any, kind output.Kind, client string) (context.Context, cmdutil.Conn, func(), error) {
	o.settle(cmd)
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if err := o.prepare(cmd, params); err != nil {
		return nil, nil, nil, err
	}
	if err := o.checkOutput(kind); err != nil {
		return nil, nil, nil, verbFailureMessage(cmd, err.Error())
	}
	cancel := func() {}
	if o.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
	}
	c, err := connect(ctx, &o.clientOptions, nil)
	if err != nil {
		cancel()
		return nil, nil, nil, err
	}
	done := func() { c.Close(); cancel() }
	if err := initialize(ctx, c, client, o.profile); err != nil {
		done()
		return nil, nil, nil, rpcFailure(err)
	}
	return ctx, conn{c: c, o: o}, done, nil
}

// checkOutput applies kind's output rules to the flags given, with the
// rules the daemon applies.
func (o *verbOptions) checkOutput(kind output.Kind) error {
	opts := output.Options{Output: output.Format(o.output), OutputSet: o.outputSet, Raw: o.raw}
	if o.jqSet {
		opts.JQ, opts.JQSet = o.jq, true
	}
	_, err := opts.Check(kind, jqEngine())
	return err
}

// Write is cmdutil.Flow's: writeText to stdout.
func (o *verbOptions) Write(cmd *cobra.Command, res core.Text) error {
	return o.write(cmd, cmd.OutOrStdout(), res)
}

// CompleteProfiles is cmdutil.Flow's.
func (o *verbOptions) CompleteProfiles(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return o.completeProfiles(cmd, args, toComplete)
}

// Dial is cmdutil.Dialer's: connect and initialize with no profile, in
// the command's context (no --timeout; konnectd's keychain commands never
// had one).
func (o *clientOptions) Dial(cmd *cobra.Command, client string) (context.Context, cmdutil.Conn, func(), error) {
	ctx := cmd.Context()
	c, err := connect(ctx, o, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := initialize(ctx, c, client, ""); err != nil {
		c.Close()
		return nil, nil, nil, rpcFailure(err)
	}
	return ctx, conn{c: c}, func() { c.Close() }, nil
}

// conn is cmdutil.Conn over one client; with o its calls are logged as
// the command's requests are.
type conn struct {
	c *rpc.Client
	o *verbOptions
}

func (c conn) Call(ctx context.Context, method string, params, result any) error {
	if c.o != nil {
		return c.o.call(ctx, c.c, method, params, result)
	}
	return c.c.Call(ctx, method, params, result)
}

func (c conn) Forget(ctx context.Context, params map[string]string) (string, error) {
	var res core.ForgetResult
	if err := c.c.Call(ctx, "keychain/forget", params, &res); err != nil {
		return "", err
	}
	return res.Message, nil
}
