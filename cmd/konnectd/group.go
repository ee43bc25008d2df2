package main

import (
	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/internal/cli/cmdutil"
)

// newGroupCmd is cmdutil's group command (kongctl's product and resource
// words) for the commands still in this package (create, delete).
func newGroupCmd(use string, aliases []string, short string, children ...*cobra.Command) *cobra.Command {
	return factory.NewGroupCmd(use, aliases, short, children...)
}

// kongctl's aliases, from cmdutil.
var (
	konnectAliases       = cmdutil.KonnectAliases
	organizationAliases  = cmdutil.OrganizationAliases
	systemAccountAliases = cmdutil.SystemAccountAliases
)
