package main

import (
	"regexp"

	"github.com/spf13/cobra"
)

func newDeleteCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "delete",
		Short: "Delete Konnect access tokens, as kongctl delete does",
	}
	cmd.AddCommand(newDeleteTokenCmd("pat"), newDeleteTokenCmd("spat"))
	return cmd
}

// uuidRE tells an id from a name: kongctl's delete takes either.
var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func newDeleteTokenCmd(kind string) *cobra.Command {
	o := &verbOptions{}
	var userID string
	var acct accountFlags
	var autoApprove bool
	short := "Delete a Konnect personal access token by id or name"
	if kind == "spat" {
		short = "Delete a Konnect system account access token by id or name"
	}
	cmd := &cobra.Command{
		Use:     kind + " <id|name>",
		Aliases: []string{kind + "s"},
		Short:   short,
		Long: short + `.

A UUID is taken as the token's id, anything else as its name; a name that
several tokens share is refused (use the id). Prints kongctl's
'Deleted ` + kind + ` "<name>"'.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return commandUsage(cmd, "accepts 1 arg(s), received %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			p := map[string]any{"kind": kind}
			if uuidRE.MatchString(args[0]) {
				p["id"] = args[0]
			} else {
				p["name"] = args[0]
			}
			if userID != "" {
				p["userId"] = userID
			}
			acct.into(p)
			return runDelete(cmd, o, p, autoApprove)
		},
	}
	if kind == "pat" {
		cmd.Flags().StringVar(&userID, "user-id", "", helpUserID)
	} else {
		acct.add(cmd)
	}
	o.addFlags(cmd, "json", "yaml", "text")
	cmd.Flags().BoolVar(&autoApprove, "auto-approve", false, "Skip confirmation prompts (konnectd: also forget the keychain entries that held the token).")
	return cmd
}
