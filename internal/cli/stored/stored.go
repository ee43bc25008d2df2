// Package stored holds konnectd's own keychain commands, which kongctl
// has no counterpart for: get stored [NAME] (the entries and what each
// holds, a secret only on request) and forget NAME. The offer to forget
// that follows delete pat|spat is the token package's.
package stored

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/cli/cmdutil"
)

// getOptions are get stored's flags and its Flow.
type getOptions struct {
	f      *cmdutil.Factory
	flow   cmdutil.Flow
	secret bool
}

// NewGetCmd is "konnectd get stored [NAME]": konnectd's keychain entries
// and what each holds, never a secret unless --secret asks for one
// entry's.
func NewGetCmd(f *cmdutil.Factory) *cobra.Command {
	o := &getOptions{f: f}
	cmd := &cobra.Command{
		Use:   "stored [NAME]",
		Short: "List the tokens konnectd keeps in the keychain (no secrets), or print one's secret",
		Long: `List konnectd's keychain entries: tokens stored with --store (space
token), profiles' credentials (space profile), and tokens kept under
recovered:<id> after a create could not deliver them (space recovered).
Each shows the token's kind, Konnect id (unknown for a token given to
'konnectd login'), profile and expiry. No secret is printed.

With NAME and --secret, the entry's secret alone is printed, for a token
konnectd kept for you (recovered:<id>) or stored under a name.`,
		Example: `  konnectd get stored
  konnectd get stored -o json
  konnectd get stored 1d2f…-recovered-id --secret`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 || (o.secret && len(args) != 1) || (!o.secret && len(args) == 1) {
				return f.Usage(cmd, "give no argument to list, or NAME with --secret to print one secret")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.secret {
				return o.printSecret(cmd, args[0])
			}
			return o.flow.Send(cmd, "keychain/list", map[string]any{}, nil)
		},
	}
	o.flow = f.NewFlow(cmd, "json", "yaml", "text")
	cmd.Flags().BoolVar(&o.secret, "secret", false, "print the secret of entry NAME (and nothing else)")
	return cmd
}

// printSecret prints entry name's secret and nothing else. It takes only
// the client flags (no profile, no format: the secret is not a record).
func (o *getOptions) printSecret(cmd *cobra.Command, name string) error {
	ctx, c, done, err := o.flow.Dial(cmd, "konnectd-get-stored")
	if err != nil {
		return err
	}
	defer done()
	var s core.StoredSecret
	if err := c.Call(ctx, "keychain/secret", map[string]string{"name": name}, &s); err != nil {
		return o.f.Refused(cmd, err)
	}
	_, err = fmt.Fprintln(cmd.OutOrStdout(), s.Secret)
	return err
}

// NewForgetCmd is "konnectd forget NAME": remove one keychain entry.
func NewForgetCmd(f *cmdutil.Factory) *cobra.Command {
	var d cmdutil.Dialer
	cmd := &cobra.Command{
		Use:   "forget NAME",
		Short: "Remove a token konnectd keeps in the keychain (the token itself stays in Konnect)",
		Long: `Remove one of konnectd's keychain entries, named as 'konnectd get stored'
shows it: a --store name, a recovered token's id, or a profile (whose
credential it removes, like logout). The token it held is not deleted in
Konnect; use 'konnectd delete pat|spat' for that.`,
		Example: `  konnectd forget deploy-bot
  konnectd forget token:deploy-bot`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return f.Usage(cmd, "accepts 1 arg(s), received %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, c, done, err := d.Dial(cmd, "konnectd-forget")
			if err != nil {
				return err
			}
			defer done()
			msg, err := c.Forget(ctx, map[string]string{"name": args[0]})
			if err != nil {
				return f.Refused(cmd, err)
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), msg)
			return err
		},
	}
	d = f.NewClient(cmd)
	return cmd
}
