// Package identity holds kongctl's identity getters: get me, get
// [konnect] organization, its users, teams and system accounts (one by
// id, email or name), their roles and a system account's teams, and
// konnectd's get assigned-roles. Each command is an options struct filled
// from its flags and sent through a cmdutil.Verb, so tests can run a
// command line against a recorder instead of a daemon.
package identity

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/internal/cli/cmdutil"
)

var outputs = []string{"json", "yaml", "text"}

// NewOneCmd is a get of one object without arguments: me, organization.
func NewOneCmd(f *cmdutil.Factory, name string, aliases []string, short, method string) *cobra.Command {
	cmd := &cobra.Command{
		Use:     name,
		Aliases: aliases,
		Short:   short,
		Args:    f.NoArgsNamed,
	}
	verb := f.NewVerb(cmd, outputs...)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return verb.Run(cmd, method, map[string]any{}, "")
	}
	return cmd
}

// NewMeCmd is kongctl's get me.
func NewMeCmd(f *cmdutil.Factory) *cobra.Command {
	return NewOneCmd(f, "me", nil, "Show the user the profile's token belongs to", "identity/me")
}

// NewOrganizationCmd is kongctl's get organization: the organization
// itself, and the commands for its users, teams and system accounts.
// spat is the organization's system-account spat command, from the token
// package of the host.
func NewOrganizationCmd(f *cmdutil.Factory, spat func() *cobra.Command) *cobra.Command {
	cmd := NewOneCmd(f, "organization", cmdutil.OrganizationAliases, "Show the profile's organization", "identity/organization")
	cmd.AddCommand(NewUserCmd(f), NewTeamCmd(f), NewSystemAccountCmd(f, spat))
	return cmd
}

// listFlags are konnectd's flags of every identity listing.
type listFlags struct {
	filter   string
	pageSize int
	limit    int
}

func (l *listFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&l.filter, "filter", "", "Konnect filter: filter[field][op]=value&… or {\"field\":{\"op\":value}} (ops: eq, contains, lt, lte, gt, gte, exists)")
	fl.IntVar(&l.pageSize, "page-size", 0, "Max number of results to include per response page. (config path = [ konnect.page-size ], default 10)")
	fl.IntVar(&l.limit, "limit", 0, "Stop after this many results (0: all)")
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

// objectOptions are get user|team|system-account [id|<lookup>]: the
// list without an argument, one object with one (a UUID is an id,
// anything else the email or name kongctl looks up).
type objectOptions struct {
	listFlags
	listMethod, getMethod string
	lookupKey             string // "email" or "name"
	what                  string // what the progress line counts
	skipSystemTeams       bool   // teams only
}

// params is the method and params a command line means.
func (o *objectOptions) params(args []string) (string, map[string]any, error) {
	var method string
	var p map[string]any
	switch len(args) {
	case 0:
		method, p = o.listMethod, o.listFlags.params()
	case 1:
		if o.filter != "" || o.limit != 0 {
			return "", nil, fmt.Errorf("--filter and --limit apply to listings, not to one object")
		}
		key := o.lookupKey
		if cmdutil.IsID(args[0]) {
			key = "id"
		}
		method, p = o.getMethod, map[string]any{key: args[0]}
	default:
		return "", nil, errTooMany
	}
	if o.skipSystemTeams {
		p["skipSystemTeams"] = true
	}
	return method, p, nil
}

// errTooMany is kongctl's word for a second argument.
var errTooMany = errors.New("too many arguments")

func newObjectCmd(f *cmdutil.Factory, use string, aliases []string, short string, o *objectOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:     use,
		Aliases: aliases,
		Short:   short,
		Args:    cobra.ArbitraryArgs,
	}
	verb := f.NewVerb(cmd, outputs...)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		method, p, err := o.params(args)
		switch {
		case errors.Is(err, errTooMany):
			return f.Fail(err)
		case err != nil:
			return f.Usage(cmd, "%v", err)
		}
		what := o.what
		if len(args) > 0 {
			what = ""
		}
		return verb.Run(cmd, method, p, what)
	}
	o.listFlags.add(cmd)
	return cmd
}

// NewUserCmd is get organization user|users [id|email] and its roles.
func NewUserCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := newObjectCmd(f, "user [id|email]", cmdutil.UserAliases, "List the organization's users, or show one by id or email",
		&objectOptions{listMethod: "identity/listUsers", getMethod: "identity/getUser", lookupKey: "email", what: "users"})
	cmd.AddCommand(NewAssignmentsCmd(f, holderUser, "roles"))
	return cmd
}

// NewTeamCmd is get organization team|teams [id|name] and its roles.
func NewTeamCmd(f *cmdutil.Factory) *cobra.Command {
	o := &objectOptions{listMethod: "identity/listTeams", getMethod: "identity/getTeam", lookupKey: "name", what: "teams"}
	cmd := newObjectCmd(f, "team [id|name]", cmdutil.TeamAliases, "List the organization's teams, or show one by id or name", o)
	cmd.Flags().BoolVar(&o.skipSystemTeams, "skip-system-teams", false, "Skip system teams in the output")
	cmd.AddCommand(NewAssignmentsCmd(f, holderTeam, "roles"))
	return cmd
}

// NewSystemAccountCmd is get organization system-account|sa [id|name],
// its roles, its teams and (from the host) its spat command.
func NewSystemAccountCmd(f *cmdutil.Factory, spat func() *cobra.Command) *cobra.Command {
	cmd := newObjectCmd(f, "system-account [id|name]", cmdutil.SystemAccountAliases, "List the organization's system accounts, or show one by id or name",
		&objectOptions{listMethod: "identity/listSystemAccounts", getMethod: "identity/getSystemAccount", lookupKey: "name", what: "system accounts"})
	cmd.AddCommand(NewAssignmentsCmd(f, holderSystemAccount, "roles"), NewAssignmentsCmd(f, holderSystemAccount, "teams"))
	if spat != nil {
		cmd.AddCommand(spat())
	}
	return cmd
}
