package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"
)

// kongctl's aliases for its product and resource words.
var (
	KonnectAliases       = []string{"k", "K"}
	OrganizationAliases  = []string{"org", "orgs"}
	SystemAccountAliases = []string{"systemaccount", "systemaccounts", "system-accounts", "system_account", "system_accounts", "sa", "sas", "SA", "SAS"}
	UserAliases          = []string{"users", "User", "Users", "USER", "USERS"}
	TeamAliases          = []string{"teams", "Team", "Teams", "TEAM", "TEAMS"}
)

// NewGroupCmd is a command that only holds others, like kongctl's
// product ("konnect", "k", "K") and resource words: it takes kongctl's
// flags (so they parse anywhere kongctl's do), and run on its own it is
// kongctl's usage error, never help with exit 0: a word that is not one of
// its commands is named, no word lists the commands.
func (f *Factory) NewGroupCmd(use string, aliases []string, short string, children ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use:     use,
		Aliases: aliases,
		Short:   short,
		Args:    cobra.ArbitraryArgs,
		RunE:    f.GroupRunE,
	}
	f.NewVerb(cmd, "json", "yaml", "text")
	cmd.AddCommand(children...)
	return cmd
}

// GroupRunE is a group's run: an unknown word, or no word at all.
func (f *Factory) GroupRunE(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return f.Usage(cmd, "unknown command %q for %q", args[0], cmd.CommandPath())
	}
	return f.Usage(cmd, "command %q requires a subcommand\n\nAvailable subcommands:\n  %s", cmd.CommandPath(), strings.Join(SubcommandNames(cmd), "\n  "))
}

// SubcommandNames are cmd's visible subcommands, in cobra's order.
func SubcommandNames(cmd *cobra.Command) []string {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return names
}

// NoArgsNamed is kongctl's refusal of arguments by a command that takes
// none ("the me command does not accept arguments"), a usage error.
func (f *Factory) NoArgsNamed(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return f.Usage(cmd, "the %s command does not accept arguments", cmd.Name())
	}
	return nil
}
