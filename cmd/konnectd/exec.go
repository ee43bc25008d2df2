package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/output"
)

// credentialEnvOptions are the flags exec and env share.
type credentialEnvOptions struct {
	client clientOptions
	env    []string
}

func (o *credentialEnvOptions) addFlags(cmd *cobra.Command) {
	o.client.addFlags(cmd)
	f := cmd.Flags()
	f.StringVarP(&o.client.profile, "profile", "p", "", "profile whose credential to use (default: $KONGCTL_PROFILE, else default)")
	f.StringArrayVar(&o.env, "env", nil, "set the token in this variable instead of the defaults (repeatable)")
}

// grant asks the daemon for the profile's credential.
func (o *credentialEnvOptions) grant(ctx context.Context) (*core.Grant, error) {
	c, err := connect(ctx, &o.client, nil)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if err := initialize(ctx, c, "konnectd-exec", o.client.profile); err != nil {
		return nil, rpcFailure(err)
	}
	var g core.Grant
	if err := c.Call(ctx, "auth/credential", map[string]string{"profile": o.client.profile}, &g); err != nil {
		return nil, rpcFailure(err)
	}
	return &g, nil
}

// names are the variables that receive the token: --env, else the ones
// kongctl, decK and the Konnect Terraform provider read.
func (o *credentialEnvOptions) names(profile string) []string {
	if len(o.env) > 0 {
		return o.env
	}
	return []string{output.EnvVar(profile), "DECK_KONNECT_TOKEN", "KONNECT_TOKEN"}
}

func validEnvName(n string) bool {
	if n == "" || (n[0] >= '0' && n[0] <= '9') {
		return false
	}
	for _, r := range n {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func (o *credentialEnvOptions) validate() error {
	for _, n := range o.env {
		if !validEnvName(n) {
			return usageError("invalid --env name %q: use letters, digits and _, not starting with a digit", n)
		}
	}
	return nil
}

func newExecCmd() *cobra.Command {
	o := &credentialEnvOptions{}
	cmd := &cobra.Command{
		Use:   "exec [-p PROFILE] [--env NAME]... -- COMMAND [ARGS...]",
		Short: "Run a command with a profile's Konnect token in its environment",
		Long: `Run COMMAND with the profile's Konnect token in its environment, taken
from the daemon (and so from the OS keychain), never from a file or argv.

By default the token is set as KONGCTL_<PROFILE>_KONNECT_PAT (kongctl),
DECK_KONNECT_TOKEN (decK) and KONNECT_TOKEN (the Konnect Terraform
provider); --env NAME sets it in NAME instead (repeat for several).

COMMAND inherits stdin, stdout, stderr and the working directory. On
Unix konnectd exec becomes COMMAND (same pid), so SIGINT, SIGTERM and a
terminal's Ctrl-C reach it directly, once, and its exit status is
konnectd exec's; on Windows it runs as a child whose exit code is passed
on. The daemon logs each hand-out (profile, process, time; never
the token).`,
		Example: `  konnectd exec -- kongctl get me
  konnectd exec -p team-a -- deck gateway sync kong.yaml
  konnectd exec --env TF_VAR_konnect_token -- terraform apply`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError("missing COMMAND: konnectd exec [-p PROFILE] -- COMMAND [ARGS...]")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			return runExec(cmd.Context(), o, args)
		},
	}
	// Everything after COMMAND belongs to COMMAND.
	cmd.Flags().SetInterspersed(false)
	o.addFlags(cmd)
	return cmd
}

func runExec(ctx context.Context, o *credentialEnvOptions, args []string) error {
	path, err := exec.LookPath(args[0])
	if errors.Is(err, fs.ErrPermission) {
		// A shell's codes: 126 found but not runnable, 127 not found.
		return &exitError{code: 126, err: fmt.Errorf("permission denied: %s", args[0])}
	}
	if err != nil {
		return &exitError{code: 127, err: fmt.Errorf("command not found: %s", args[0])}
	}
	g, err := o.grant(ctx)
	if err != nil {
		return err
	}
	env := os.Environ()
	for _, n := range o.names(g.Profile) {
		env = setEnv(env, n, g.Token)
	}
	return runCommand(path, args, env)
}

// runChild runs the command as a child and passes on the signals we get;
// it is runCommand where the platform cannot replace the process.
func runChild(path string, args, env []string) error {
	// Signals we receive go to the child; we wait for it to decide.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer signal.Stop(sigs)

	cmd := exec.Command(path, args[1:]...)
	cmd.Args[0] = args[0]
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return &exitError{code: 126, err: fmt.Errorf("start %s: %w", args[0], err)}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case s := <-sigs:
			cmd.Process.Signal(s)
		case err := <-done:
			return childExit(err)
		}
	}
}

func setEnv(env []string, name, value string) []string {
	prefix := name + "="
	env = slices.DeleteFunc(env, func(kv string) bool { return strings.HasPrefix(kv, prefix) })
	return append(env, prefix+value)
}

func newEnvCmd() *cobra.Command {
	o := &credentialEnvOptions{}
	cmd := &cobra.Command{
		Use:   "env [-p PROFILE] [--env NAME]...",
		Short: "Print export lines that put a profile's token in your shell",
		Long: `Print "export NAME='token'" lines for eval, with the same variables as
konnectd exec. The token then lives in your shell's environment (and
every process it starts), which is what exec avoids: prefer exec.`,
		Example: `  eval "$(konnectd env -p team-a)"`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			g, err := o.grant(cmd.Context())
			if err != nil {
				return err
			}
			return printEnv(cmd.OutOrStdout(), cmd.ErrOrStderr(), o.names(g.Profile), g)
		},
	}
	o.addFlags(cmd)
	return cmd
}

func printEnv(out, errw io.Writer, names []string, g *core.Grant) error {
	fmt.Fprintf(errw, "konnectd: warning: the token for profile %q now lives in this shell's environment; prefer 'konnectd exec -- COMMAND'\n", g.Profile)
	quoted := "'" + strings.ReplaceAll(g.Token, "'", `'\''`) + "'"
	for _, n := range names {
		if _, err := fmt.Fprintf(out, "export %s=%s\n", n, quoted); err != nil {
			return err
		}
	}
	return nil
}
