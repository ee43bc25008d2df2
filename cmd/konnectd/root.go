package main

import (
	"strings"

	"github.com/spf13/cobra"
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "konnectd",
		Short: "Keep Kong Konnect credentials in the OS keychain and serve them to editors, agents and scripts",
		Long: `konnectd is a small daemon that holds your Kong Konnect credentials.

It keeps personal and system-account access tokens in the OS keychain,
follows kongctl's own config file (profiles, base URL, region, output),
and answers JSON-RPC 2.0 over stdio or a Unix socket. The same binary is
its own client: "konnectd call", "konnectd create pat", "konnectd get me"
talk to the running daemon and start one when none runs.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &flagError{err: err, cmd: c.CommandPath()}
	})
	// Each subcommand lives in its own file and is added here, so this list
	// is the table of contents of the CLI.
	root.AddCommand(
		newServeCmd(),
		newCallCmd(),
		newExecCmd(),
		newEnvCmd(),
		newWatchCmd(),
		newGetCmd(newGetTokenCmd("pat"), newGetTokenCmd("spat"), newGetStoredCmd()),
		newEmulatorCmd(),
		newVersionCmd(),
		newMCPCmd(),
		newCreateCmd(),
		newDeleteCmd(),
		newLoginCmd(),
		newLogoutCmd(),
		newStatusCmd(),
		newStopCmd(),
		newForgetCmd(),
		newRotateCmd(),
		newAuditCmd(),
		newRevokeAllCmd(),
	// subcommands are added here, one line each
	)
	return root
}

// flagError is a usage mistake detected by the flag parser.
type flagError struct {
	err error
	cmd string
}

func (e *flagError) Error() string {
	return e.err.Error() + "\n\nRun '" + e.cmd + " --help' for usage"
}

func isFlagError(err error) bool {
	_, ok := err.(*flagError)
	return ok || strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "accepts ")
}
