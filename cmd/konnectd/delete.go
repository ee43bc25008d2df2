package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/output"
	"github.com/konnectd/konnectd/rpc"
)

func newDeleteCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "delete",
		Short: "Delete Konnect access tokens, as kongctl delete does",
	}
	// kongctl's tree, as for create.
	org := func() *cobra.Command {
		return newGroupCmd("organization", organizationAliases, "Delete Konnect organization resources",
			newGroupCmd("system-account", systemAccountAliases, "Delete Konnect system account resources", newDeleteTokenCmd("spat")))
	}
	cmd.AddCommand(newDeleteTokenCmd("pat"), newDeleteTokenCmd("spat"), org(),
		newGroupCmd("konnect", konnectAliases, "Delete Kong Konnect resources", newDeleteTokenCmd("pat"), newDeleteTokenCmd("spat"), org()))
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = factory.GroupRunE
	return cmd
}

// uuidRE tells an id from a name: kongctl's delete takes either.
var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// deleteOptions are a delete's flags and its seams: where the answer to
// the confirmation is read from (stdin unless a test gives another).
type deleteOptions struct {
	verbOptions
	kind        string
	userID      string
	acct        accountFlags
	autoApprove bool
	in          io.Reader
	stdin       *bufio.Reader // the one reader of in: the confirmation and the forget offer share it
}

func newDeleteTokenCmd(kind string) *cobra.Command {
	o := &deleteOptions{kind: kind}
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
				return commandUsage(cmd, "accepts 1 arg(s), received %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args[0]) },
	}
	if kind == "pat" {
		cmd.Flags().StringVar(&o.userID, "user-id", "", helpUserID)
	} else {
		o.acct.add(cmd)
	}
	cmd.Flags().BoolVar(&o.autoApprove, "auto-approve", false, "Skip the confirmation prompt (and forget the keychain entries that held the token).")
	o.addFlags(cmd, "json", "yaml", "text")
	return cmd
}

// params are the token's owner and ref, as token/list and token/delete
// take them.
func (o *deleteOptions) params(ref string) map[string]any {
	p := map[string]any{"kind": o.kind}
	if uuidRE.MatchString(ref) {
		p["id"] = ref
	} else {
		p["name"] = ref
	}
	if o.userID != "" {
		p["userId"] = o.userID
	}
	o.acct.into(p)
	return p
}

// run is kongctl's delete: with --auto-approve one token/delete; without,
// the token is looked up (token/list), the user asked on stdout, and only
// a "yes" deletes it (token/delete by id, nothing looked up twice).
func (o *deleteOptions) run(cmd *cobra.Command, ref string) error {
	if o.autoApprove {
		p := o.params(ref)
		p["forget"] = true
		return runVerbThen(cmd.Context(), cmd, &o.verbOptions, "token/delete", p, cmd.OutOrStdout(), o.offerForget(cmd))
	}
	o.settle(cmd)
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	lookup := o.params(ref)
	if err := o.prepare(cmd, lookup); err != nil {
		return err
	}
	format := lookup["format"]
	delete(lookup, "format") // the record, as JSON
	// The output flags are checked before the question, with the rules
	// the daemon applies, so a mistake is not found after a "yes".
	if err := o.checkOutput(); err != nil {
		return verbFailureMessage(cmd, err.Error())
	}
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	c, err := connect(ctx, &o.clientOptions, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := initialize(ctx, c, "konnectd-delete", o.profile); err != nil {
		return rpcFailure(err)
	}
	var t output.TokenInfo
	if err := o.call(ctx, c, "token/list", lookup, &t); err != nil {
		return verbFailure(cmd, err)
	}
	label := t.Name
	if label == "" {
		label = t.ID
	}
	noun := "personal access token"
	if o.kind == "spat" {
		noun = "system account access token"
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "\nYou are about to delete %s %q\n\nDo you want to continue? Type 'yes' to confirm: ", noun, label)
	if !confirmed(o.input()) {
		return &exitError{code: 1, err: errors.New("delete cancelled")}
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
	if err := o.call(ctx, c, "token/delete", del, &res); err != nil {
		return verbFailure(cmd, err)
	}
	if err := o.write(cmd, out, res); err != nil {
		return err
	}
	return o.offerForget(cmd)(ctx, c, res)
}

// offerForget handles the keychain entries that held the deleted token:
// the ones the daemon already forgot (--auto-approve sends forget: true)
// are named; each other one is offered on stderr and forgotten on "yes".
func (o *deleteOptions) offerForget(cmd *cobra.Command) func(context.Context, *rpc.Client, core.Text) error {
	return func(ctx context.Context, c *rpc.Client, res core.Text) error {
		errw := cmd.ErrOrStderr()
		for _, n := range res.Forgot {
			fmt.Fprintln(errw, n)
		}
		for _, e := range res.Held {
			if !confirmForget(errw, o.input(), e) {
				fmt.Fprintf(errw, "Kept keychain entry %s; 'konnectd forget %s' removes it\n", e.Account, e.Account)
				continue
			}
			var fr core.ForgetResult
			if err := c.Call(ctx, "keychain/forget", map[string]string{"account": e.Account}, &fr); err != nil {
				return verbFailure(cmd, err)
			}
			fmt.Fprintln(errw, fr.Message)
		}
		return nil
	}
}

// input is where answers are read: the test seam, else stdin, through one
// buffered reader so a second question reads what follows the first line.
func (o *deleteOptions) input() *bufio.Reader {
	if o.stdin == nil {
		var r io.Reader = os.Stdin
		if o.in != nil {
			r = o.in
		}
		o.stdin = bufio.NewReader(r)
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

// checkOutput applies delete's output rules to the flags given.
func (o *deleteOptions) checkOutput() error {
	opts := output.Options{Output: output.Format(o.output), OutputSet: o.outputSet, Raw: o.raw}
	if o.jqSet {
		opts.JQ, opts.JQSet = o.jq, true
	}
	_, err := opts.Check(output.KindDelete, jqEngine())
	return err
}
