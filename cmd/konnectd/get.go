package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/core"
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
	cmd.AddCommand(
		newGetOneCmd("me", nil, "Show the user the profile's token belongs to", "identity/me"),
		newGetOrganizationCmd(),
		newGetUserCmd(), newGetTeamCmd(), newGetSystemAccountCmd(),
		newGetAssignedRolesCmd(),
		newGroupCmd("konnect", konnectAliases, "Show Kong Konnect resources",
			newGetOneCmd("me", nil, "Show the user the profile's token belongs to", "identity/me"),
			newGetOrganizationCmd(), newGetTokenCmd("pat"), newGetTokenCmd("spat")),
	)
	cmd.AddCommand(more...)
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = newGroupCmd("", nil, "").RunE
	return cmd
}

// newGetOneCmd is a get of one object: me, organization.
func newGetOneCmd(name string, aliases []string, short, method string) *cobra.Command {
	o := &verbOptions{}
	cmd := &cobra.Command{
		Use:     name,
		Aliases: aliases,
		Short:   short,
		Args:    noArgsNamed,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runGet(cmd, o, method, map[string]any{}, "")
		},
	}
	o.addFlags(cmd, "json", "yaml", "text")
	return cmd
}

// newGetOrganizationCmd is kongctl's get organization: the organization
// itself, and the commands for its users, teams and system accounts.
func newGetOrganizationCmd() *cobra.Command {
	cmd := newGetOneCmd("organization", organizationAliases, "Show the profile's organization", "identity/organization")
	cmd.AddCommand(newGetUserCmd(), newGetTeamCmd(), newGetSystemAccountCmd())
	return cmd
}

// listFlags are the flags of every identity listing.
type listFlags struct {
	filter   string
	pageSize int
	limit    int
}

func (l *listFlags) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&l.filter, "filter", "", "Konnect filter: filter[field][op]=value&… or {\"field\":{\"op\":value}} (ops: eq, contains, lt, lte, gt, gte, exists)")
	f.IntVar(&l.pageSize, "page-size", 0, "Max number of results to include per response page. (config path = [ konnect.page-size ], default 10)")
	f.IntVar(&l.limit, "limit", 0, "Stop after this many results (0: all)")
}

func (l *listFlags) params() map[string]any {
	p := map[string]any{}
	if l.filter != "" {
		p["filter"] = l.filter
	}
	if l.pageSize != 0 {
		p["pageSize"] = l.pageSize
	}
	if l.limit != 0 {
		p["limit"] = l.limit
	}
	return p
}

func newGetAssignedRolesCmd() *cobra.Command {
	o := &verbOptions{}
	l := &listFlags{}
	var userID, teamID, accountID string
	cmd := &cobra.Command{
		Use:     "assigned-roles",
		Aliases: []string{"assigned-role", "roles"},
		Short:   "List the roles assigned to a user, a team or a system account",
		Example: `  konnectd get assigned-roles --user-id 500d74f4-37e1-4b13-b51a-8cf7c7903692
  konnectd get assigned-roles --team-id 7f9fd312-… --filter 'filter[role_name]=Deployer' -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p := l.params()
			n := 0
			for key, id := range map[string]string{"userId": userID, "teamId": teamID, "systemAccountId": accountID} {
				if id != "" {
					p[key] = id
					n++
				}
			}
			if n != 1 {
				return commandUsage(cmd, "exactly one of --user-id, --team-id or --system-account-id is required")
			}
			return runGet(cmd, o, "identity/listAssignedRoles", p, "assigned roles")
		},
	}
	o.addFlags(cmd, "json", "yaml", "text")
	l.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&userID, "user-id", "", "Konnect user ID")
	f.StringVar(&teamID, "team-id", "", "Konnect team ID")
	f.StringVar(&accountID, "system-account-id", "", "Konnect system account ID")
	return cmd
}

// newGetIdentityCmd is get user|team|system-account [id|<lookup>]: the
// list without an argument, one object with one (a UUID is an id,
// anything else the email or name kongctl looks up).
func newGetIdentityCmd(use string, aliases []string, short, listMethod, getMethod, lookupKey, what string) *cobra.Command {
	o := &verbOptions{}
	l := &listFlags{}
	cmd := &cobra.Command{
		Use:     use,
		Aliases: aliases,
		Short:   short,
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			extra := func(p map[string]any) map[string]any {
				if skip, err := cmd.Flags().GetBool("skip-system-teams"); err == nil && skip {
					p["skipSystemTeams"] = true
				}
				return p
			}
			switch len(args) {
			case 0:
				return runGet(cmd, o, listMethod, extra(l.params()), what)
			case 1:
				if l.filter != "" || l.limit != 0 {
					return commandUsage(cmd, "--filter and --limit apply to listings, not to one %s", cmd.Name())
				}
				key := lookupKey
				if uuidRE.MatchString(args[0]) {
					key = "id"
				}
				return runGet(cmd, o, getMethod, extra(map[string]any{key: args[0]}), "")
			}
			return &exitError{code: 1, err: errors.New("too many arguments")}
		},
	}
	o.addFlags(cmd, "json", "yaml", "text")
	l.addFlags(cmd)
	return cmd
}

func newGetUserCmd() *cobra.Command {
	cmd := newGetIdentityCmd("user [id|email]", userAliases, "List the organization's users, or show one by id or email",
		"identity/listUsers", "identity/getUser", "email", "users")
	cmd.AddCommand(newGetRolesCmd("user", "user-id", "userId", "User ID to list roles for", "user-email", "userEmail", "User email to list roles for"))
	return cmd
}

func newGetTeamCmd() *cobra.Command {
	cmd := newGetIdentityCmd("team [id|name]", teamAliases, "List the organization's teams, or show one by id or name",
		"identity/listTeams", "identity/getTeam", "name", "teams")
	cmd.Flags().Bool("skip-system-teams", false, "Skip system teams in the output")
	cmd.AddCommand(newGetRolesCmd("team", "team-id", "teamId", "Team ID to list roles for", "team-name", "teamName", "Team name to list roles for"))
	return cmd
}

func newGetSystemAccountCmd() *cobra.Command {
	cmd := newGetIdentityCmd("system-account [id|name]", systemAccountAliases, "List the organization's system accounts, or show one by id or name",
		"identity/listSystemAccounts", "identity/getSystemAccount", "name", "system accounts")
	for _, use := range []string{"roles", "teams"} {
		cmd.AddCommand(newGetAssignmentsCmd("system account", use, "system-account-id", "systemAccountId", "System account ID to list assignments for",
			"system-account-name", "systemAccountName", "System account name to list assignments for"))
	}
	cmd.AddCommand(newGetTokenCmd("spat"))
	return cmd
}

// newGetRolesCmd is kongctl's get organization user|team roles.
func newGetRolesCmd(holder, idFlag, idParam, idHelp, refFlag, refParam, refHelp string) *cobra.Command {
	return newGetAssignmentsCmd(holder, "roles", idFlag, idParam, idHelp, refFlag, refParam, refHelp)
}

// newGetAssignmentsCmd is kongctl's get organization user|team|
// system-account roles (and a system account's teams): the holder by id
// or by its lookup flag, never both.
func newGetAssignmentsCmd(holder, use, idFlag, idParam, idHelp, refFlag, refParam, refHelp string) *cobra.Command {
	o := &verbOptions{}
	var id, ref string
	method, short, what := "identity/listAssignedRoles", "List the roles assigned to the "+holder, "assigned roles"
	if use == "teams" {
		method, short, what = "identity/listSystemAccountTeams", "List the teams the "+holder+" belongs to", "teams"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) > 0:
				return &exitError{code: 1, err: fmt.Errorf("organization %s %s does not accept positional arguments; use --%s or --%s", holder, use, idFlag, refFlag)}
			case id != "" && ref != "":
				return &exitError{code: 1, err: fmt.Errorf("--%s and --%s cannot be used together", idFlag, refFlag)}
			case id == "" && ref == "":
				return &exitError{code: 1, err: fmt.Errorf("one of --%s or --%s is required", idFlag, refFlag)}
			}
			p := map[string]any{}
			if id != "" {
				p[idParam] = id
			} else {
				p[refParam] = ref
			}
			return runGet(cmd, o, method, p, what)
		},
	}
	o.addFlags(cmd, "json", "yaml", "text")
	cmd.Flags().StringVar(&id, idFlag, "", idHelp)
	cmd.Flags().StringVar(&ref, refFlag, "", refHelp)
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
	if pp.Total > 0 {
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

// stderrIsTerminal reports whether stderr is an interactive terminal.
func stderrIsTerminal() bool {
	fi, err := os.Stderr.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
