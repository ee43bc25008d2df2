// Package cmdutil is what konnectd's command packages share, in the
// manner of cli/cli's pkg/cmdutil: a Factory of injected dependencies
// (how a command reaches the daemon, how it reports usage errors), so a
// command package holds flags and parameter building only, and a test can
// swap the daemon for a recorder.
//
// cmd/konnectd builds the real Factory (its clients, kongctl's flags and
// exit codes); the packages under internal/cli take it as a parameter.
package cmdutil

import "github.com/spf13/cobra"

// Verb is one kongctl-shaped command's link to the daemon: kongctl's
// shared flags are registered on the command when the Verb is made, and
// Run sends method with params (plus the profile, format and per-request
// flags those carry) and prints the answer. progress names what a
// listing's progress line counts; "" shows none.
type Verb interface {
	Run(cmd *cobra.Command, method string, params map[string]any, progress string) error
}

// Factory is what a command package needs from its host.
type Factory struct {
	// NewVerb registers kongctl's shared flags on cmd (-o with outputs,
	// --jq, -r, -p, --pat, --base-url, …) and returns the command's Verb.
	NewVerb func(cmd *cobra.Command, outputs ...string) Verb
	// Usage is kongctl's usage error on cmd: the message, a blank line,
	// "Run '<path> --help' for usage"; exit 1 on kongctl's commands.
	Usage func(cmd *cobra.Command, format string, args ...any) error
	// Fail is an error kongctl reports while running (no usage hint),
	// exit 1.
	Fail func(err error) error
}
