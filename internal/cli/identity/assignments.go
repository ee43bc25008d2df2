package identity

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/internal/cli/cmdutil"
)

// holder is whose assignments a command lists, with kongctl's flags.
type holder struct {
	noun                    string // in kongctl's messages
	idFlag, idParam, idHelp string
	refFlag, refParam       string
	refHelp                 string
}

var (
	holderUser = holder{"user", "user-id", "userId", "User ID to list roles for",
		"user-email", "userEmail", "User email to list roles for"}
	holderTeam = holder{"team", "team-id", "teamId", "Team ID to list roles for",
		"team-name", "teamName", "Team name to list roles for"}
	holderSystemAccount = holder{"system account", "system-account-id", "systemAccountId", "System account ID to list assignments for",
		"system-account-name", "systemAccountName", "System account name to list assignments for"}
)

// assignmentOptions are kongctl's get organization user|team|
// system-account roles (and a system account's teams): the holder by id
// or by its lookup flag, never both.
type assignmentOptions struct {
	holder holder
	use    string // roles or teams
	id     string
	ref    string
}

// params is the method and params, or kongctl's message for a command
// line it refuses (kongctl finds these while running: no usage hint).
func (o *assignmentOptions) params(args []string) (string, map[string]any, error) {
	h := o.holder
	switch {
	case len(args) > 0:
		return "", nil, fmt.Errorf("organization %s %s does not accept positional arguments; use --%s or --%s", h.noun, o.use, h.idFlag, h.refFlag)
	case o.id != "" && o.ref != "":
		return "", nil, fmt.Errorf("--%s and --%s cannot be used together", h.idFlag, h.refFlag)
	case o.id == "" && o.ref == "":
		return "", nil, fmt.Errorf("one of --%s or --%s is required", h.idFlag, h.refFlag)
	}
	p := map[string]any{}
	if o.id != "" {
		p[h.idParam] = o.id
	} else {
		p[h.refParam] = o.ref
	}
	method := "identity/listAssignedRoles"
	if o.use == "teams" {
		method = "identity/listSystemAccountTeams"
	}
	return method, p, nil
}

// NewAssignmentsCmd is the roles (or, for a system account, teams)
// command under a holder.
func NewAssignmentsCmd(f *cmdutil.Factory, h holder, use string) *cobra.Command {
	o := &assignmentOptions{holder: h, use: use}
	short, what := "List the roles assigned to the "+h.noun, "assigned roles"
	if use == "teams" {
		short, what = "List the teams the "+h.noun+" belongs to", "teams"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ArbitraryArgs,
	}
	verb := f.NewVerb(cmd, outputs...)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		method, p, err := o.params(args)
		if err != nil {
			return f.Fail(err)
		}
		return verb.Run(cmd, method, p, what)
	}
	cmd.Flags().StringVar(&o.id, h.idFlag, "", h.idHelp)
	cmd.Flags().StringVar(&o.ref, h.refFlag, "", h.refHelp)
	return cmd
}

// NewAssignedRolesCmd is konnectd's get assigned-roles: any holder by id.
func NewAssignedRolesCmd(f *cmdutil.Factory) *cobra.Command {
	l := &listFlags{}
	var userID, teamID, accountID string
	cmd := &cobra.Command{
		Use:     "assigned-roles",
		Aliases: []string{"assigned-role", "roles"},
		Short:   "List the roles assigned to a user, a team or a system account",
		Example: `  konnectd get assigned-roles --user-id 500d74f4-37e1-4b13-b51a-8cf7c7903692
  konnectd get assigned-roles --team-id 7f9fd312-… --filter 'filter[role_name]=Deployer' -o json`,
	}
	cmd.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return f.Usage(cmd, "unknown command %q for %q", args[0], cmd.CommandPath())
		}
		return nil
	}
	verb := f.NewVerb(cmd, outputs...)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		p := l.params()
		n := 0
		for key, id := range map[string]string{"userId": userID, "teamId": teamID, "systemAccountId": accountID} {
			if id != "" {
				p[key] = id
				n++
			}
		}
		if n != 1 {
			return f.Usage(cmd, "exactly one of --user-id, --team-id or --system-account-id is required")
		}
		return verb.Run(cmd, "identity/listAssignedRoles", p, "assigned roles")
	}
	l.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&userID, "user-id", "", "Konnect user ID")
	fl.StringVar(&teamID, "team-id", "", "Konnect team ID")
	fl.StringVar(&accountID, "system-account-id", "", "Konnect system account ID")
	return cmd
}
