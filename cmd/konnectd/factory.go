package main

import (
	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/internal/cli/cmdutil"
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
	Usage: commandUsage,
	Fail:  func(err error) error { return &exitError{code: 1, err: err} },
}

// Run is cmdutil.Verb's: runGet, with its progress line.
func (o *verbOptions) Run(cmd *cobra.Command, method string, params map[string]any, progress string) error {
	return runGet(cmd, o, method, params, progress)
}
