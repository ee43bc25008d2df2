package cmdutil

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/output"
)

// Conn is one connection to the daemon, for a command that makes more
// than one call on it (delete: the lookup, the deletion, the offers to
// forget). Errors are the daemon's as they came; Factory.Refused makes one
// the CLI's.
type Conn interface {
	// Call sends method and decodes its result into result. On a
	// connection from Flow.Open it is logged as every request of the
	// command is (the method, never the params).
	Call(ctx context.Context, method string, params, result any) error
	// Forget is keychain/forget with params ({"name"} or {"account"}),
	// unlogged, and the daemon's message about it.
	Forget(ctx context.Context, params map[string]string) (string, error)
}

// Then is a step after an answer is written, on the same connection.
type Then func(ctx context.Context, c Conn, res core.Text) error

// Dialer connects as a client called client, without applying any
// request flag (konnectd's own keychain commands): the command's context,
// no --timeout. The returned func closes the connection.
type Dialer interface {
	Dial(cmd *cobra.Command, client string) (context.Context, Conn, func(), error)
}

// Flow is a Verb's link for commands that take more than one step or keep
// what a failure leaves (create, delete, get stored). Its flags are
// kongctl's shared ones, as NewVerb registers them.
type Flow interface {
	Dialer
	// Send is Verb.Run without progress or --columns and with create's
	// promise: a token Konnect created before the request failed is
	// printed all the same. then, when not nil, runs after the answer is
	// written.
	Send(cmd *cobra.Command, method string, params map[string]any, then Then) error
	// Open adds to params what Send adds (profile, format, per-request
	// flags), checks the output flags against kind's rules before anything
	// is sent, and connects as client, with --timeout. The returned func
	// closes the connection and ends the timeout.
	Open(cmd *cobra.Command, params map[string]any, kind output.Kind, client string) (context.Context, Conn, func(), error)
	// Write prints the daemon's {text} to stdout and its warnings to stderr.
	Write(cmd *cobra.Command, res core.Text) error
	// CompleteProfiles completes a profile name from the running daemon.
	CompleteProfiles(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective)
}
