package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/rpc"
)

// maxTokenInput bounds what login reads from stdin: a token is far
// smaller, and a mistaken pipe of a large file must not be held in memory.
const maxTokenInput = 64 << 10

func newLoginCmd() *cobra.Command {
	o := &clientOptions{}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Store a Konnect token in the keychain for a profile",
		Long: `Check a Konnect token (a PAT, a system account token or a kongctl login
token) against Konnect and store it in the keychain as the profile's
credential.

The token is read from stdin when stdin is not a terminal, or else from a
prompt that does not echo. It is never taken from the command line, where
other users and shell history could see it.`,
		Example: `  konnectd login                         # prompts
  konnectd login -p team-a < token.txt
  pass show konnect/ci | konnectd login -p ci`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tok, err := readToken(cmd)
			if err != nil {
				return err
			}
			var res core.LoginResult
			if err := daemonCall(cmd.Context(), o, "auth/login", map[string]any{"profile": o.profile, "token": tok}, &res); err != nil {
				return err
			}
			who := res.Kind
			if res.User != nil && res.User.Email != "" {
				who = res.User.Email
			}
			org := ""
			if res.Organization != nil {
				org = fmt.Sprintf(" organization %q", res.Organization.Name)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Logged in to Konnect%s as %s; the %s is stored in the %s keychain for profile %q\n",
				org, who, res.Kind, res.Stored, res.Profile)
			if res.Replaced != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), "Warning:", res.Replaced.Note)
			}
			return nil
		},
	}
	o.addFlags(cmd)
	addProfileFlag(cmd, o)
	return cmd
}

func newLogoutCmd() *cobra.Command {
	o := &clientOptions{}
	var revoke bool
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Remove a profile's token from the keychain",
		Long: `Remove the profile's credential from the keychain. Tokens in the
environment, the config file or kongctl's login file are yours and stay.

With --revoke the token is first revoked in Konnect (a SPAT deleted), when
konnectd knows its id (see 'konnectd get stored'); if it does not, or the
revocation fails, nothing is removed.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			params := map[string]any{"profile": o.profile}
			if revoke {
				params["revoke"] = true
			}
			var res core.LogoutResult
			if err := daemonCall(cmd.Context(), o, "auth/logout", params, &res); err != nil {
				return err
			}
			if res.Revoked != "" {
				fmt.Fprintln(cmd.OutOrStdout(), res.Revoked)
			}
			fmt.Fprintln(cmd.OutOrStdout(), res.Message)
			return nil
		},
	}
	cmd.Flags().BoolVar(&revoke, "revoke", false, "revoke the token in Konnect before removing it (konnectd only)")
	o.addFlags(cmd)
	addProfileFlag(cmd, o)
	return cmd
}

func newStatusCmd() *cobra.Command {
	o := &clientOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show which credential a profile uses and whether Konnect accepts it",
		Long: `Show the profile's credential source, the user and organization it
belongs to, and anything risky about it. Exits 1 when the profile has no
working credential.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var st core.AuthStatus
			// Retries of an unreachable Konnect arrive as $/progress
			// messages: show each as it happens, not seconds of silence.
			retries := func(method string, params json.RawMessage) {
				var pp rpc.ProgressParams
				if method == "$/progress" && json.Unmarshal(params, &pp) == nil && pp.Message != "" {
					fmt.Fprintln(cmd.ErrOrStderr(), "Retrying:", redact.String(pp.Message))
				}
			}
			if err := daemonCallNotify(cmd.Context(), o, "auth/status", map[string]any{"profile": o.profile}, &st, retries); err != nil {
				return err
			}
			printStatus(cmd.OutOrStdout(), &st)
			switch {
			case st.Authenticated:
				return nil
			case st.State == "unreachable":
				return &exitError{code: 1, err: fmt.Errorf("profile %q could not be checked: Konnect is unreachable", st.Profile)}
			}
			return &exitError{code: 1, err: fmt.Errorf("profile %q is not authenticated", st.Profile)}
		},
	}
	o.addFlags(cmd)
	addProfileFlag(cmd, o)
	return cmd
}

func printStatus(w io.Writer, st *core.AuthStatus) {
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-15s%s\n", k+":", v)
		}
	}
	line("Profile", st.Profile)
	auth := "no"
	switch {
	case st.Authenticated:
		auth = "yes"
	case st.State == "unreachable":
		// Konnect said nothing about the token: do not blame it.
		auth = "unknown"
	}
	if st.Problem != "" {
		auth += ": " + st.Problem
	}
	line("Authenticated", auth)
	if st.Source != "" {
		src := st.Source
		if st.Where != "" {
			src += " (" + st.Where + ")"
		}
		line("Credential", src)
	}
	if !st.Authenticated {
		line("Konnect", st.Konnect)
	}
	if u := st.User; u != nil {
		name := u.Email
		if u.FullName != "" {
			name = fmt.Sprintf("%s <%s>", u.FullName, u.Email)
		}
		line("User", name)
	}
	if org := st.Organization; org != nil {
		line("Organization", fmt.Sprintf("%s (%s)", org.Name, org.ID))
	}
	statusLifecycle(st, line)
	keys := st.Keychain
	if keys == "" {
		keys = "none"
	}
	if st.KeychainError != "" {
		keys += ", unreachable: " + st.KeychainError
	}
	line("Keychain", keys)
	line("Hint", st.Hint)
	for _, warn := range st.Warnings {
		// Warnings repeat the problem and the keychain's error for older
		// clients; the lines above already show them.
		if warn == st.KeychainError || (st.Problem != "" && strings.Contains(st.Problem, warn)) {
			continue
		}
		line("Warning", warn)
	}
}

func addProfileFlag(cmd *cobra.Command, o *clientOptions) {
	cmd.Flags().StringVarP(&o.profile, "profile", "p", "", "Specify the profile to use for this command.")
	_ = cmd.RegisterFlagCompletionFunc("profile", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		return completeProfiles(cmd.Context(), o)
	})
}

// noArgs is cobra.NoArgs in kongctl's usage form.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return commandUsage(cmd, "unknown command %q for %q", args[0], cmd.CommandPath())
	}
	return nil
}

// readToken reads the token from stdin, or from a no-echo prompt when
// stdin is a terminal.
func readToken(cmd *cobra.Command) (string, error) {
	var raw []byte
	if stdinIsTerminal() {
		fmt.Fprint(cmd.ErrOrStderr(), "Paste your Konnect token (input is hidden): ")
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(cmd.ErrOrStderr())
		if err != nil {
			return "", fmt.Errorf("read the token from the terminal: %w", err)
		}
		raw = b
	} else {
		b, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), maxTokenInput+1))
		if err != nil {
			return "", fmt.Errorf("read the token from stdin: %w", err)
		}
		if len(b) > maxTokenInput {
			return "", commandUsage(cmd, "stdin holds more than %d KiB: that is not a token", maxTokenInput>>10)
		}
		raw = b
	}
	tok := strings.TrimSpace(string(raw))
	if tok == "" {
		return "", commandUsage(cmd, "no token given: pipe it on stdin or type it at the prompt")
	}
	return tok, nil
}

// daemonCall makes one call to the daemon and decodes the result.
func daemonCall(ctx context.Context, o *clientOptions, method string, params, result any) error {
	return daemonCallNotify(ctx, o, method, params, result, nil)
}

// daemonCallNotify is daemonCall with a handler for the notifications
// that arrive while the call runs.
func daemonCallNotify(ctx context.Context, o *clientOptions, method string, params, result any, onNotify rpc.NotificationHandler) error {
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	c, err := connect(ctx, o, onNotify)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := initialize(ctx, c, "konnectd-cli", o.profile); err != nil {
		return rpcFailure(err)
	}
	if err := c.Call(ctx, method, params, result); err != nil {
		return rpcFailure(err)
	}
	return nil
}
