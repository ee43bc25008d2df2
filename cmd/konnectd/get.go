package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/cli/cmdutil"
	"github.com/konnectd/konnectd/internal/cli/identity"
	"github.com/konnectd/konnectd/internal/cli/token"
	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/rpc"
)

// newGetCmd is kongctl's "get": the identity queries defined here, plus
// the subcommands other files contribute (get pat, get spat), passed in by
// root.go so the command tree stays readable in one place.
func newGetCmd(more ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "get",
		Short: "Show Konnect identity objects and tokens, as kongctl get does",
		Long: `Show Konnect objects through the daemon, printed exactly as kongctl
prints them (-o text|json|yaml, --jq, -r). The token stays in the daemon.

Listings take --filter in Konnect's query form or as JSON:
  --filter 'filter[full_name][contains]=Cruz&filter[name]=Alex'
  --filter '{"full_name":{"contains":"Cruz"},"name":"Alex"}'
Conditions Konnect cannot take for an operation are applied by konnectd.`,
		Args: cobra.NoArgs,
	}
	// kongctl's tree: get me, get [konnect] organization with its users,
	// teams and system accounts (and their roles), get pat|spat; the
	// shorter spellings (get users, get teams, …) are konnectd's aliases
	// of the same commands, with the same output.
	spat := func() *cobra.Command { return token.NewGetCmd(factory, "spat") }
	cmd.AddCommand(
		identity.NewMeCmd(factory),
		identity.NewOrganizationCmd(factory, spat),
		identity.NewUserCmd(factory), identity.NewTeamCmd(factory), identity.NewSystemAccountCmd(factory, spat),
		identity.NewAssignedRolesCmd(factory),
		factory.NewGroupCmd("konnect", cmdutil.KonnectAliases, "Show Kong Konnect resources",
			identity.NewMeCmd(factory), identity.NewOrganizationCmd(factory, spat), token.NewGetCmd(factory, "pat"), token.NewGetCmd(factory, "spat")),
	)
	cmd.AddCommand(more...)
	// kongctl's --page-size and --columns belong to get and every command
	// under it (listings and get pat|spat use the page size; me and
	// organization accept it and have no pages, as in kongctl).
	cmd.PersistentFlags().Int("page-size", 0, "Max number of results to include per response page for get and list operations.\n- Config path: [ konnect.page-size ] (default 10)")
	cmd.PersistentFlags().StringArray("columns", nil, "Select text columns as HEADER=.field (repeatable or comma-separated). "+
		"Supports nested fields, quoted keys, array indexes, and string slices.")
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = factory.GroupRunE
	return cmd
}

// runGet is runVerb with a progress line: while pages arrive, stderr shows
// how many items have come in, when stderr is a terminal (a script's
// stderr stays clean). what names the items; "" shows no progress.
func runGet(cmd *cobra.Command, o *verbOptions, method string, params map[string]any, what string) error {
	o.settle(cmd)
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if err := o.prepare(cmd, params); err != nil {
		return err
	}
	if cols, err := cmd.Flags().GetStringArray("columns"); err == nil && len(cols) > 0 {
		params["format"].(*core.Format).Columns = cols
	}
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	var prog *progressLine
	var onNotify rpc.NotificationHandler
	if what != "" && stderrIsTerminal() {
		prog = &progressLine{w: cmd.ErrOrStderr(), what: what}
		onNotify = prog.notify
	}
	c, err := connect(ctx, &o.clientOptions, onNotify)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := initialize(ctx, c, "konnectd-get-"+cmd.Name(), o.profile); err != nil {
		return rpcFailure(err)
	}
	var res core.Text
	err = o.call(ctx, c, method, params, &res)
	prog.clear()
	if err != nil {
		return verbFailure(cmd, err)
	}
	return o.write(cmd, cmd.OutOrStdout(), res)
}

// progressLine rewrites one terminal line with $/progress counts.
type progressLine struct {
	w    io.Writer
	what string

	mu    sync.Mutex
	shown bool
	done  bool
}

func (p *progressLine) notify(method string, params json.RawMessage) {
	if method != "$/progress" {
		return
	}
	var pp rpc.ProgressParams
	if json.Unmarshal(params, &pp) != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	if pp.Message != "" {
		// A retry the request waits for (Konnect unreachable, 503).
		fmt.Fprintf(p.w, "\r\x1b[KFetching %s: %s", p.what, redact.String(pp.Message))
	} else if pp.Total > 0 {
		fmt.Fprintf(p.w, "\r\x1b[KFetching %s: %d of %d", p.what, pp.Done, pp.Total)
	} else {
		fmt.Fprintf(p.w, "\r\x1b[KFetching %s: %d", p.what, pp.Done)
	}
	p.shown = true
}

// clear erases the line before the answer is printed; later notifications
// are ignored. A nil line does nothing.
func (p *progressLine) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	p.done = true
}

// stderrIsTerminal reports whether stderr is an interactive terminal
// (isatty: "2>/dev/null" is a character device, not a terminal).
func stderrIsTerminal() bool {
	return term.IsTerminal(int(os.Stderr.Fd()))
}
