package main

import (
	"strings"

	"github.com/spf13/cobra"
)

// newGroupCmd is a command that only holds others, like kongctl's product
// ("konnect", "k", "K") and resource words: it takes kongctl's flags (so
// they parse anywhere kongctl's do), and run on its own it is kongctl's
// usage error, never help with exit 0: a word that is not one of its
// commands is named, no word lists the commands.
func newGroupCmd(use string, aliases []string, short string, children ...*cobra.Command) *cobra.Command {
	o := &verbOptions{}
	cmd := &cobra.Command{
		Use:     use,
		Aliases: aliases,
		Short:   short,
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return commandUsage(cmd, "unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return commandUsage(cmd, "command %q requires a subcommand\n\nAvailable subcommands:\n  %s", cmd.CommandPath(), strings.Join(subcommandNames(cmd), "\n  "))
		},
	}
	o.addFlags(cmd, "json", "yaml", "text")
	cmd.AddCommand(children...)
	return cmd
}

func subcommandNames(cmd *cobra.Command) []string {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return names
}

// noArgsNamed is kongctl's refusal of arguments by a command that takes
// none ("the me command does not accept arguments"), a usage error.
func noArgsNamed(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return commandUsage(cmd, "the %s command does not accept arguments", cmd.Name())
	}
	return nil
}

// kongctl's aliases for its product and resource words.
var (
	konnectAliases       = []string{"k", "K"}
	organizationAliases  = []string{"org", "orgs"}
	systemAccountAliases = []string{"systemaccount", "systemaccounts", "system-accounts", "system_account", "system_accounts", "sa", "sas", "SA", "SAS"}
	userAliases          = []string{"users", "User", "Users", "USER", "USERS"}
	teamAliases          = []string{"teams", "Team", "Teams", "TEAM", "TEAMS"}
)
