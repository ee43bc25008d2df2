package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/rpc"
)

// This file holds konnectd's own keychain commands (no kongctl
// counterpart): get stored, forget, and the offer to forget that follows
// delete pat|spat.

// newGetStoredCmd is "konnectd get stored [NAME]": konnectd's keychain
// entries and what each holds, never a secret unless --secret asks for one
// entry's.
func newGetStoredCmd() *cobra.Command {
	o := &verbOptions{}
	var secret bool
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
			if len(args) > 1 || (secret && len(args) != 1) || (!secret && len(args) == 1) {
				return commandUsage(cmd, "give no argument to list, or NAME with --secret to print one secret")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if secret {
				return printStoredSecret(cmd, o, args[0])
			}
			return runVerb(cmd.Context(), cmd, o, "keychain/list", map[string]any{}, cmd.OutOrStdout())
		},
	}
	o.addFlags(cmd, "json", "yaml", "text")
	cmd.Flags().BoolVar(&secret, "secret", false, "print the secret of entry NAME (and nothing else)")
	return cmd
}

func printStoredSecret(cmd *cobra.Command, o *verbOptions, name string) error {
	ctx := cmd.Context()
	c, err := connect(ctx, &o.clientOptions, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := initialize(ctx, c, "konnectd-get-stored", ""); err != nil {
		return rpcFailure(err)
	}
	var s core.StoredSecret
	if err := c.Call(ctx, "keychain/secret", map[string]string{"name": name}, &s); err != nil {
		return verbFailure(cmd, err)
	}
	_, err = fmt.Fprintln(cmd.OutOrStdout(), s.Secret)
	return err
}

// newForgetCmd is "konnectd forget NAME": remove one keychain entry.
func newForgetCmd() *cobra.Command {
	o := &clientOptions{}
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
				return commandUsage(cmd, "accepts 1 arg(s), received %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := connect(ctx, o, nil)
			if err != nil {
				return err
			}
			defer c.Close()
			if err := initialize(ctx, c, "konnectd-forget", ""); err != nil {
				return rpcFailure(err)
			}
			return forget(ctx, cmd, c, map[string]string{"name": args[0]})
		},
	}
	o.addFlags(cmd)
	return cmd
}

func forget(ctx context.Context, cmd *cobra.Command, c *rpc.Client, params map[string]string) error {
	var res core.ForgetResult
	if err := c.Call(ctx, "keychain/forget", params, &res); err != nil {
		return verbFailure(cmd, err)
	}
	_, err := fmt.Fprintln(cmd.OutOrStdout(), res.Message)
	return err
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
