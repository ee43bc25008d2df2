// Package token holds kongctl's token commands: get pat|spat [id|name],
// create pat|spat (and konnectd's create system-account), delete
// pat|spat <id|name>. Each is an options struct whose daemon link comes
// from the cmdutil.Factory (a Verb for get, a Flow for create and delete),
// so its tests run against a recorder.
//
// konnectd's extensions are here too: get's --expiry (the state and
// expiry columns kongctl's table lacks), create's custody flags (--store,
// --store-as-profile, --replace) and delete's offer to forget the keychain
// entries that held the token.
package token

import (
	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/internal/cli/cmdutil"
)

// getOptions are get pat|spat's flags: the owner and the token.
type getOptions struct {
	kind     string
	userID   string
	acct     cmdutil.AccountFlags
	pageSize int
	expiry   bool
}

// params is token/list's params for a command line: a UUID is the
// token's id, anything else its name.
func (o *getOptions) params(args []string) map[string]any {
	p := map[string]any{"kind": o.kind}
	if len(args) == 1 {
		if cmdutil.IsID(args[0]) {
			p["id"] = args[0]
		} else {
			p["name"] = args[0]
		}
	}
	if o.userID != "" {
		p["userId"] = o.userID
	}
	if o.pageSize != 0 {
		p["pageSize"] = o.pageSize
	}
	if o.expiry {
		p["expiry"] = true
	}
	o.acct.Into(p)
	return p
}

// NewGetCmd is kongctl's get pat|spat [id|name]: a table of the owner's
// tokens (never their secrets), or one token.
func NewGetCmd(f *cmdutil.Factory, kind string) *cobra.Command {
	o := &getOptions{kind: kind}
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
				return f.Usage(cmd, "accepts at most 1 arg(s), received %d", len(args))
			}
			return nil
		},
	}
	verb := f.NewVerb(cmd, "json", "yaml", "text")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return verb.Run(cmd, "token/list", o.params(args), "")
	}
	if kind == "pat" {
		cmd.Flags().StringVar(&o.userID, "user-id", "", cmdutil.HelpUserID)
	} else {
		o.acct.Add(cmd)
	}
	cmd.Flags().BoolVar(&o.expiry, "expiry", false, "Add STATE and EXPIRES AT columns to the text table (konnectd only: kongctl's table has neither).")
	cmd.Flags().IntVar(&o.pageSize, "page-size", 0, "Max number of results to include per response page (a system account's tokens; a user's come in one answer).\n- Config path: [ konnect.page-size ] (default 10)")
	return cmd
}
