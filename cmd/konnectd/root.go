package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/internal/cli/stored"
	"github.com/konnectd/konnectd/internal/cli/token"
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
		return &flagError{err: err, cmd: c.CommandPath(), code: usageCode(c)}
	})
	// Each subcommand lives in its own file and is added here, so this list
	// is the table of contents of the CLI.
	root.AddCommand(
		newServeCmd(),
		newCallCmd(),
		newExecCmd(),
		newEnvCmd(),
		newWatchCmd(),
		newGetCmd(token.NewGetCmd(factory, "pat"), token.NewGetCmd(factory, "spat"), stored.NewGetCmd(factory)),
		newEmulatorCmd(),
		newVersionCmd(),
		newMCPCmd(),
		token.NewCreateCmd(factory),
		token.NewDeleteCmd(factory),
		newLoginCmd(),
		newLogoutCmd(),
		newStatusCmd(),
		newStopCmd(),
		stored.NewForgetCmd(factory),
		newAPICmd(),
		newRotateCmd(),
		newAuditCmd(),
		newRevokeAllCmd(),
	// subcommands are added here, one line each
	)
	// --version prints what "konnectd version" prints. The template is
	// the text itself: cobra's default adds "konnectd version " in front.
	root.Version = versionText()
	root.SetVersionTemplate("{{.Version}}")
	strictCompletion(root)
	return root
}

// strictCompletion makes "konnectd completion SHELL" refuse a shell it has
// no script for. Cobra's completion command is not runnable itself, so an
// unknown shell fell through to its help and exit 0: a script that ran
// "konnectd completion nosh > file" got help text as its completion file.
func strictCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			var shells []string
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() {
					shells = append(shells, sub.Name())
				}
			}
			return commandUsage(cmd, "unknown shell %q for %q: choose one of %s", args[0], cmd.CommandPath(), strings.Join(shells, ", "))
		}
	}
}

// flagError is a usage mistake detected by the flag parser.
type flagError struct {
	err  error
	cmd  string
	code int
}

func (e *flagError) Error() string {
	return e.err.Error() + "\n\nRun '" + e.cmd + " --help' for usage"
}

func isFlagError(err error) bool {
	_, ok := err.(*flagError)
	return ok || strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "accepts ")
}
