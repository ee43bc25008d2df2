package main

import (
	"github.com/spf13/cobra"
)

// newGetTokenCmd is kongctl's get pat|spat [id|name]: a table of the
// owner's tokens (never their secrets), or one token.
func newGetTokenCmd(kind string) *cobra.Command {
	o := &verbOptions{}
	var userID string
	var expiry bool
	var acct accountFlags
	short := "List your Konnect personal access tokens, or show one"
	if kind == "spat" {
		short = "List a system account's access tokens, or show one"
	}
	cmd := &cobra.Command{
		Use:     kind + " [id|name]",
		Aliases: []string{kind + "s"},
		Short:   short,
		Long: short + `, as kongctl get ` + kind + ` prints them.
Secrets are never shown: Konnect returns a token's secret only once, when
it is created.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return commandUsage(cmd, "accepts at most 1 arg(s), received %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			p := map[string]any{"kind": kind}
			if len(args) == 1 {
				if uuidRE.MatchString(args[0]) {
					p["id"] = args[0]
				} else {
					p["name"] = args[0]
				}
			}
			if userID != "" {
				p["userId"] = userID
			}
			if expiry {
				p["expiry"] = true
			}
			acct.into(p)
			return runVerb(cmd.Context(), cmd, o, "token/list", p, cmd.OutOrStdout())
		},
	}
	if kind == "pat" {
		cmd.Flags().StringVar(&userID, "user-id", "", helpUserID)
	} else {
		acct.add(cmd)
	}
	o.addFlags(cmd, "json", "yaml", "text")
	cmd.Flags().BoolVar(&expiry, "expiry", false, "Add STATE and EXPIRES AT columns to the text table (konnectd only: kongctl's table has neither).")
	return cmd
}
