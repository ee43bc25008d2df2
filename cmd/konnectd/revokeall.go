package main

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/core"
)

// newRevokeAllCmd is "konnectd revoke-all --created-by-konnectd": revoke
// (a SPAT: delete) every token konnectd minted and still holds, after a
// confirmation, and forget their entries. For a machine whose keychain may
// be in someone else's hands.
func newRevokeAllCmd() *cobra.Command {
	o := &clientOptions{}
	var mine, yes bool
	cmd := &cobra.Command{
		Use:   "revoke-all --created-by-konnectd [--auto-approve]",
		Short: "Revoke every token konnectd created and still keeps (asks first)",
		Long: `Revoke, in Konnect, every token konnectd created and still keeps in the
keychain (--store names, profiles' credentials it created, recovered:<id>
entries; 'konnectd get stored' lists them with source created or
recovered), then forget their entries. SPATs, which cannot be revoked,
are deleted. Tokens given to 'konnectd login' are not touched: konnectd
did not mint them (use 'konnectd logout --revoke').

It lists the tokens and asks for 'yes' first; --auto-approve skips the
question. Profiles' own credentials are revoked last.`,
		Example: `  konnectd revoke-all --created-by-konnectd
  konnectd revoke-all --created-by-konnectd --auto-approve`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !mine {
				return commandUsage(cmd, "--created-by-konnectd is required: it names the only set revoke-all acts on")
			}
			var plan core.RevokeAllResult
			if err := daemonCall(cmd.Context(), o, "token/revokeAll", map[string]any{"createdByKonnectd": true}, &plan); err != nil {
				return err
			}
			out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
			if len(plan.Tokens) == 0 {
				fmt.Fprintln(out, "konnectd holds no token it created: nothing to revoke")
				return nil
			}
			fmt.Fprintf(errw, "These %d tokens will be revoked in Konnect and forgotten:\n", len(plan.Tokens))
			for _, t := range plan.Tokens {
				fmt.Fprintf(errw, "  %s %q (%s), keychain entry %s\n", t.Kind, t.Name, t.ID, t.Account)
			}
			if !yes {
				fmt.Fprint(errw, "Type 'yes' to revoke them: ")
				line, _ := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
				if ans := strings.ToLower(strings.TrimSpace(line)); ans != "yes" && ans != "y" {
					fmt.Fprintln(errw, "\nNothing was revoked")
					return &exitError{code: 1, err: fmt.Errorf("not confirmed")}
				}
			}
			var res core.RevokeAllResult
			if err := daemonCall(cmd.Context(), o, "token/revokeAll", map[string]any{"createdByKonnectd": true, "confirm": true}, &res); err != nil {
				return err
			}
			failed := 0
			for _, t := range res.Tokens {
				switch t.Result {
				case "failed":
					failed++
					fmt.Fprintf(out, "FAILED %s %q (%s): %s; it still works and stays in the keychain as %s\n", t.Kind, t.Name, t.ID, t.Error, t.Account)
				case "gone":
					fmt.Fprintf(out, "Gone already: %s %q (%s); forgot %s\n", t.Kind, t.Name, t.ID, t.Account)
				default:
					fmt.Fprintf(out, "%s %s %q (%s); forgot %s\n", strings.ToUpper(t.Result[:1])+t.Result[1:], t.Kind, t.Name, t.ID, t.Account)
				}
			}
			if failed > 0 {
				return &exitError{code: 1, err: fmt.Errorf("%d of %d tokens could not be revoked", failed, len(res.Tokens))}
			}
			return nil
		},
	}
	o.addFlags(cmd)
	cmd.Flags().BoolVar(&mine, "created-by-konnectd", false, "act on the tokens konnectd created and still keeps (required)")
	cmd.Flags().BoolVar(&yes, "auto-approve", false, "do not ask for confirmation")
	return cmd
}
