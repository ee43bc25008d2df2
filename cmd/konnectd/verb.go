package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/rpc"
)

// verbOptions are the flags every kongctl-style verb (create, get, delete)
// shares: where the daemon is, which profile, and kongctl's output flags.
// The output flags are not interpreted here: they travel to the daemon as
// the method's "format", so the rules and messages are the core's, the
// same for every client.
type verbOptions struct {
	clientOptions
	inheritedFlags
	log       *slog.Logger
	output    string
	outputSet bool
	jq        string
	jqSet     bool
	raw       bool
}

// addVerbFlags registers -p, -o, --jq, -r and the client flags on cmd.
// outputs is the list -o accepts and completes (kongctl's help shows it as
// "Allowed : [ json|yaml|text ]").
func (o *verbOptions) addFlags(cmd *cobra.Command, outputs ...string) {
	o.inheritedFlags.add(cmd) // first: its --config-file is the one kept
	o.clientOptions.addFlags(cmd)
	f := cmd.Flags()
	f.StringVarP(&o.profile, "profile", "p", "", "Specify the profile to use for this command.")
	f.StringVarP(&o.output, "output", "o", "", fmt.Sprintf("Configures the format of data written to STDOUT.\n- Allowed    : [ %s ] (default \"text\")", strings.Join(outputs, "|")))
	f.StringVar(&o.jq, "jq", "", "Filter JSON responses using jq expressions (powered by gojq for full jq compatibility)")
	f.BoolVarP(&o.raw, "jq-raw-output", "r", false, "Output string jq results without JSON quotes (like jq -r).\n- Requires --jq and --output json")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(outputs, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("profile", o.completeProfiles)
}

// settle records which flags were given explicitly; call it first in RunE.
func (o *verbOptions) settle(cmd *cobra.Command) {
	o.outputSet = cmd.Flags().Changed("output")
	o.jqSet = cmd.Flags().Changed("jq")
	// --jq-color and its theme override the profile's only when given.
	o.jqColorSet, o.jqColorThemeSet = "", ""
	if cmd.Flags().Changed("jq-color") {
		o.jqColorSet = o.jqColor
	}
	if cmd.Flags().Changed("jq-color-theme") {
		o.jqColorThemeSet = o.jqColorTheme
	}
}

// format is the method's "format" param: always sent, so the answer is
// always kongctl's text. An absent -o lets the profile's configured output
// apply, as in kongctl.
func (o *verbOptions) format() *core.Format {
	f := &core.Format{RawOutput: o.raw, FullIDs: o.textIDFormat == "full", TimeZone: os.Getenv("TZ"),
		Layout: o.textLayout, Width: stdoutWidth(), Terminal: colorTerminal(),
		JQColor: o.jqColorSet, JQColorTheme: o.jqColorThemeSet}
	if o.outputSet {
		f.Output = o.output
	}
	if o.jqSet {
		jq := o.jq
		f.JQ = &jq
	}
	return f
}

// runVerb calls method with params plus "profile" and "format", and writes
// the daemon's {text} to out. A validation error (-32050) is a usage error
// in kongctl's form; anything else fails with exit code 1. params must be
// a map so the shared fields can be added.
func runVerb(ctx context.Context, cmd *cobra.Command, o *verbOptions, method string, params map[string]any, out io.Writer) error {
	return runVerbThen(ctx, cmd, o, method, params, out, nil)
}

// runVerbThen is runVerb with a step after the answer is written, on the
// same connection (delete's offer to forget keychain entries).
func runVerbThen(ctx context.Context, cmd *cobra.Command, o *verbOptions, method string, params map[string]any, out io.Writer,
	then func(context.Context, *rpc.Client, core.Text) error) error {
	o.settle(cmd)
	if params == nil {
		params = map[string]any{}
	}
	if err := o.prepare(cmd, params); err != nil {
		return err
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
	if err := initialize(ctx, c, "konnectd-"+cmd.Name(), o.profile); err != nil {
		return rpcFailure(err)
	}
	var res core.Text
	if err := o.call(ctx, c, method, params, &res); err != nil {
		keepCreated(err, out)
		return verbFailure(cmd, err)
	}
	if err := o.write(cmd, out, res); err != nil || then == nil {
		return err
	}
	return then(ctx, c, res)
}

// write is writeText; kongctl's jq colouring is the daemon's (it knows
// the profile's jq.color settings), told whether stdout is a terminal.
func (o *verbOptions) write(cmd *cobra.Command, out io.Writer, res core.Text) error {
	return writeText(cmd, out, res)
}

// prepare adds the params every verb sends: the profile, the format and
// the per-request flags. A flag value kongctl refuses is a usage error.
func (o *verbOptions) prepare(cmd *cobra.Command, params map[string]any) error {
	if o.profile != "" {
		params["profile"] = o.profile
	}
	params["format"] = o.format()
	if err := o.inheritedFlags.into(cmd, params); err != nil {
		return commandUsage(cmd, "%v", err)
	}
	if err := o.checkConfigFile(); err != nil {
		return &exitError{code: 1, err: err}
	}
	o.clientOptions.configFile = o.requestConfigFile()
	var err error
	if o.log, err = o.logger(); err != nil {
		return &exitError{code: 1, err: err}
	}
	return nil
}

// call is c.Call with this command's log: the method (never the params,
// which may hold a token), how long the daemon took, and a refusal.
func (o *verbOptions) call(ctx context.Context, c *rpc.Client, method string, params, res any) error {
	start := time.Now()
	o.log.Debug("calling the daemon", "method", method, "socket", o.socketPath())
	err := c.Call(ctx, method, params, res)
	if err != nil {
		o.log.Info("the daemon refused", "method", method, "duration", time.Since(start), "error", err)
		return err
	}
	o.log.Debug("the daemon answered", "method", method, "duration", time.Since(start))
	return nil
}

// writeText writes the daemon's {text} to out, and its warnings, which
// are for a person and not part of kongctl's output, to stderr.
func writeText(cmd *cobra.Command, out io.Writer, res core.Text) error {
	_, err := io.WriteString(out, res.Text)
	for _, w := range res.Warnings {
		fmt.Fprintln(cmd.ErrOrStderr(), "Warning:", w)
	}
	return err
}

// verbFailure maps a daemon error to the CLI's: kongctl's usage form for
// a request the daemon refused before doing anything, exit 1 otherwise.
func verbFailure(cmd *cobra.Command, err error) error {
	var e *rpc.Error
	if !errors.As(err, &e) {
		return &exitError{code: 1, err: err}
	}
	switch e.Code {
	case rpc.CodeValidation, rpc.CodeInvalidParams:
		return verbFailureMessage(cmd, e.Message)
	}
	return &exitError{code: 1, err: errors.New(e.Message)}
}

// verbFailureMessage is a refused request's message in kongctl's form:
// with the usage hint, except for the output mistakes kongctl finds only
// when it prints.
func verbFailureMessage(cmd *cobra.Command, msg string) error {
	if renderTimeError(msg) {
		return &exitError{code: 1, err: errors.New(msg)}
	}
	return commandUsage(cmd, "%s", msg)
}

// renderTimeError: kongctl finds these output mistakes only when it
// prints (after the request), so it reports them without the usage hint.
// konnectd finds them before anything is sent, and prints them the same.
func renderTimeError(msg string) bool {
	for _, p := range []string{"invalid jq expression", "failed to compile jq expression", "jq filter failed",
		"--jq-raw-output is only supported", "--jq-raw-output requires --jq", "--jq is only supported with"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// keepCreated prints the token a failed multi-step request created (a
// StateError's data.created, -32011) to out, so a token whose keychain
// write or follow-up step failed still reaches the user who asked for it.
// The error itself goes to stderr as usual.
func keepCreated(err error, out io.Writer) {
	var e *rpc.Error
	if !errors.As(err, &e) || e.Code != rpc.CodeOutcomeUnknown {
		return
	}
	raw, ok := e.Data.(json.RawMessage)
	if !ok {
		return
	}
	var d struct {
		Created        json.RawMessage `json:"created"`
		SecretIncluded *bool           `json:"secretIncluded"`
	}
	if json.Unmarshal(raw, &d) != nil || len(d.Created) == 0 || string(d.Created) == "null" {
		return
	}
	if d.SecretIncluded != nil && !*d.SecretIncluded {
		return // the secret is in the keychain, and the message says where
	}
	var buf bytes.Buffer
	if json.Indent(&buf, d.Created, "", "  ") == nil {
		buf.WriteByte('\n')
		_, _ = out.Write(buf.Bytes())
	}
}

// commandUsage is kongctl's usage error: the message, a blank line, and
// where to read the help. Exit code 1 on kongctl's commands, as kongctl;
// 2 on konnectd's own (call, exec, watch, …), as documented.
func commandUsage(cmd *cobra.Command, format string, args ...any) error {
	return &exitError{code: usageCode(cmd), err: fmt.Errorf(format+"\n\nRun '%s --help' for usage", append(args, cmd.CommandPath())...)}
}

// kongctlVerbs are the top-level commands shaped like kongctl's.
var kongctlVerbs = map[string]bool{"create": true, "get": true, "delete": true}

// usageCode is the exit code of a usage error on cmd.
func usageCode(cmd *cobra.Command) int {
	for c := cmd; c != nil && c.HasParent(); c = c.Parent() {
		if !c.Parent().HasParent() && kongctlVerbs[c.Name()] {
			return 1
		}
	}
	return 2
}

// completeProfiles completes -p from the running daemon's profile/list.
// It never starts a daemon (a completion must be instant and side-effect
// free) and offers nothing when none answers.
func (o *verbOptions) completeProfiles(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	return completeProfiles(cmd.Context(), &o.clientOptions)
}

// completionTimeout bounds a completion's question to the daemon: a shell
// waiting on Tab must not hang.
const completionTimeout = 2 * time.Second

func completeProfiles(ctx context.Context, co *clientOptions) ([]string, cobra.ShellCompDirective) {
	if ctx == nil {
		ctx = context.Background()
	}
	opts := *co
	opts.noStart = true
	ctx, cancel := context.WithTimeout(ctx, completionTimeout)
	defer cancel()
	c, err := connect(ctx, &opts, nil)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	defer c.Close()
	if err := initialize(ctx, c, "konnectd-completion", ""); err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var l core.ProfileList
	if err := c.Call(ctx, "profile/list", json.RawMessage("{}"), &l); err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return l.Profiles, cobra.ShellCompDirectiveNoFileComp
}
