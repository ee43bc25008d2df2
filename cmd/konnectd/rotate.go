package main

import (
	"github.com/spf13/cobra"
)

// newRotateCmd is "konnectd rotate NAME | -p PROFILE": a stored token
// replaced by a successor with the same name and lifetime, in the same
// keychain entry, the old one retired after the overlap. No kongctl
// counterpart.
func newRotateCmd() *cobra.Command {
	o := &verbOptions{}
	var overlap string
	cmd := &cobra.Command{
		Use:   "rotate [NAME] [-p PROFILE] [--overlap 15m]",
		Short: "Replace a stored token (or a profile's credential) with a new one, retiring the old one after an overlap",
		Long: `Rotate a token konnectd keeps: NAME is a --store name as 'konnectd get stored'
shows it; -p PROFILE alone rotates the profile's own credential.

The successor gets the same name and lifetime and replaces the secret in
the same keychain entry, so the entry holds a working token at every
instant. The old token keeps working for --overlap (default 15m; 0 retires
it at once), then the daemon revokes it (a SPAT is deleted). The pending
revocation is written down first: it survives 'konnectd stop' and a
restart, and is retried with backoff until Konnect confirms it.`,
		Example: `  konnectd rotate deploy-bot
  konnectd rotate -p default --overlap 1h
  konnectd rotate ci --overlap 0`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 || (len(args) == 0 && !cmd.Flags().Changed("profile")) {
				return commandUsage(cmd, "give a stored token's NAME, or -p PROFILE to rotate the profile's credential")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			params := map[string]any{"overlap": overlap}
			if len(args) == 1 {
				params["entry"] = args[0]
			} else {
				params["entryProfile"] = o.profile
			}
			return runVerb(cmd.Context(), cmd, o, "token/rotate", params, cmd.OutOrStdout())
		},
	}
	o.addFlags(cmd, "json", "yaml", "text")
	cmd.Flags().StringVar(&overlap, "overlap", "15m", "how long the old token keeps working before it is retired (0: at once)")
	return cmd
}
