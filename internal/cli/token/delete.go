package token

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/cli/cmdutil"
	"github.com/konnectd/konnectd/output"
)

// NewDeleteCmd is kongctl's delete pat|spat, under the product word and
// the organization's system account as for create.
func NewDeleteCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "delete",
		Short: "Delete Konnect access tokens, as kongctl delete does",
	}
	org := func() *cobra.Command {
		return f.NewGroupCmd("organization", cmdutil.OrganizationAliases, "Delete Konnect organization resources",
			f.NewGroupCmd("system-account", cmdutil.SystemAccountAliases, "Delete Konnect system account resources", NewDeleteTokenCmd(f, "spat")))
	}
	cmd.AddCommand(NewDeleteTokenCmd(f, "pat"), NewDeleteTokenCmd(f, "spat"), org(),
		f.NewGroupCmd("konnect", cmdutil.KonnectAliases, "Delete Kong Konnect resources", NewDeleteTokenCmd(f, "pat"), NewDeleteTokenCmd(f, "spat"), org()))
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = f.GroupRunE
	return cmd
}

// deleteOptions are a delete's flags and its seams: the Flow to the
// daemon, and where the answers are read (cmd.InOrStdin).
type deleteOptions struct {
	f           *cmdutil.Factory
	flow        cmdutil.Flow
	kind        string
	userID      string
	acct        cmdutil.AccountFlags
	autoApprove bool
	stdin       *bufio.Reader // the one reader of stdin: the confirmation and the forget offers share it
}

// NewDeleteTokenCmd is kongctl's delete pat|spat <id|name>.
func NewDeleteTokenCmd(f *cmdutil.Factory, kind string) *cobra.Command {
	o := &deleteOptions{f: f, kind: kind}
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
several tokens share is refused (use the id). As in kongctl, the token is
looked up and the deletion confirmed ("Type 'yes' to confirm:", read from
stdin) unless --auto-approve is given. Prints kongctl's
'Deleted ` + kind + ` "<name>"'.

konnectd also knows which of its keychain entries held the token (see
'konnectd get stored'): after the deletion it offers, on stderr, to forget
each of them; --auto-approve forgets them without asking. stdout stays
kongctl's.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return f.Usage(cmd, "accepts 1 arg(s), received %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args[0]) },
	}
	if kind == "pat" {
		cmd.Flags().StringVar(&o.userID, "user-id", "", cmdutil.HelpUserID)
	} else {
		o.acct.Add(cmd)
	}
	cmd.Flags().BoolVar(&o.autoApprove, "auto-approve", false, "Skip the confirmation prompt (and forget the keychain entries that held the token).")
	o.flow = f.NewFlow(cmd, "json", "yaml", "text")
	return cmd
}

// params are the token's owner and ref, as token/list and token/delete
// take them: a UUID is the token's id, anything else its name.
func (o *deleteOptions) params(ref string) map[string]any {
	p := map[string]any{"kind": o.kind}
	if cmdutil.IsID(ref) {
		p["id"] = ref
	} else {
		p["name"] = ref
	}
	if o.userID != "" {
		p["userId"] = o.userID
	}
	o.acct.Into(p)
	return p
}

// run is kongctl's delete: with --auto-approve one token/delete; without,
// the token is looked up (token/list), the user asked on stdout, and only
// a "yes" deletes it (token/delete by id, nothing looked up twice).
func (o *deleteOptions) run(cmd *cobra.Command, ref string) error {
	if o.autoApprove {
		p := o.params(ref)
		p["forget"] = true
		return o.flow.Send(cmd, "token/delete", p, o.offerForget(cmd))
	}
	// The output flags are checked (by Open) before the question, with
	// the rules the daemon applies, so a mistake is not found after a "yes".
	lookup := o.params(ref)
	ctx, c, done, err := o.flow.Open(cmd, lookup, output.KindDelete, "konnectd-delete")
	if err != nil {
		return err
	}
	defer done()
	format := lookup["format"]
	delete(lookup, "format") // the record, as JSON
	var t output.TokenInfo
	if err := c.Call(ctx, "token/list", lookup, &t); err != nil {
		return o.f.Refused(cmd, err)
	}
	label := t.Name
	if label == "" {
		label = t.ID
	}
	noun := "personal access token"
	if o.kind == "spat" {
		noun = "system account access token"
	}
	fmt.Fprintf(cmd.OutOrStdout(), "\nYou are about to delete %s %q\n\nDo you want to continue? Type 'yes' to confirm: ", noun, label)
	if !confirmed(o.input(cmd)) {
		return o.f.Fail(errors.New("delete cancelled"))
	}
	del := map[string]any{"kind": o.kind, "id": t.ID, "label": label, "format": format}
	for k, v := range lookup {
		if k == "profile" || k == "pat" || k == "baseUrl" || k == "region" {
			del[k] = v
		}
	}
	if o.kind == "pat" {
		del["userId"] = t.UserID
	} else {
		del["systemAccountId"] = t.SystemAccountID
	}
	var res core.Text
	if err := c.Call(ctx, "token/delete", del, &res); err != nil {
		return o.f.Refused(cmd, err)
	}
	if err := o.flow.Write(cmd, res); err != nil {
		return err
	}
	return o.offerForget(cmd)(ctx, c, res)
}

// offerForget handles the keychain entries that held the deleted token:
// the ones the daemon already forgot (--auto-approve sends forget: true)
// are named; each other one is offered on stderr and forgotten on "yes".
func (o *deleteOptions) offerForget(cmd *cobra.Command) cmdutil.Then {
	return func(ctx context.Context, c cmdutil.Conn, res core.Text) error {
		errw := cmd.ErrOrStderr()
		for _, n := range res.Forgot {
			fmt.Fprintln(errw, n)
		}
		for _, e := range res.Held {
			if !confirmForget(errw, o.input(cmd), e) {
				fmt.Fprintf(errw, "Kept keychain entry %s; 'konnectd forget %s' removes it\n", e.Account, e.Account)
				continue
			}
			msg, err := c.Forget(ctx, map[string]string{"account": e.Account})
			if err != nil {
				return o.f.Refused(cmd, err)
			}
			fmt.Fprintln(errw, msg)
		}
		return nil
	}
}

// input is where answers are read: cmd's stdin (os.Stdin unless a test
// sets another), through one buffered reader so a second question reads
// what follows the first line.
func (o *deleteOptions) input(cmd *cobra.Command) *bufio.Reader {
	if o.stdin == nil {
		o.stdin = bufio.NewReader(cmd.InOrStdin())
	}
	return o.stdin
}

// confirmed reads one line and accepts only "yes" (any case, trimmed);
// input that ends before a newline is a no, as in kongctl.
func confirmed(r *bufio.Reader) bool {
	line, err := r.ReadString('\n')
	if err != nil {
		return false
	}
	return strings.EqualFold(strings.TrimSpace(line), "yes")
}

// confirmForget asks on w whether to forget e and reads the answer from
// in: "yes" or "y" forgets; anything else, or no input, keeps it.
func confirmForget(w io.Writer, in *bufio.Reader, e core.StoredEntry) bool {
	fmt.Fprintf(w, "Keychain entry %s held this token and is now useless. Forget it? Type 'yes' to confirm: ", e.Account)
	line, err := in.ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(w)
		return false
	}
	ans := strings.ToLower(strings.TrimSpace(line))
	return ans == "yes" || ans == "y"
}
