package token

import (
	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/internal/cli/cmdutil"
)

// Help strings copied from kongctl (kongctl.md §1) where it has them.
const (
	helpExpiresIn = "Token lifetime. Use a duration between 1 day and 365 days (12 months). Supported units are ns, us, ms, s, m, h, and d (days). Examples: 24h, 36h, 1d, 30d."
	helpExpiresAt = "Token expiration timestamp in RFC3339 format, for example 2026-06-24T12:00:00Z or 2026-06-24T12:00:00+02:00. Fractional seconds are accepted. Must be between 1 day and 365 days (12 months) from now."
	helpStoreAs   = "Store the new token in the keychain as this profile's credential instead of printing it (konnectd only)."
	helpStore     = "Store the new token in the keychain under this name instead of printing it (konnectd only); secret-tool lookup service konnectd username token:NAME reads it."
	helpReplace   = "With --store or --store-as-profile: replace the keychain entry if it is taken (konnectd only; without it a taken entry is refused before anything is created)."
)

// createOutputs are the -o values create pat|spat take: kongctl's and
// konnectd's token and env.
var createOutputs = []string{"json", "yaml", "text", "token", "env"}

// NewCreateCmd is kongctl's create: pat|spat, the same under the product
// word (create konnect|k|K …) and the spat under the organization's system
// account (create [konnect] organization|org system-account|sa spat).
// create system-account is konnectd's own.
func NewCreateCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create Konnect access tokens and system accounts, as kongctl create does",
		Long: `Create Konnect personal access tokens (pat), system account access tokens
(spat) and system accounts, with kongctl's flags and output, so a script
that runs "kongctl create pat ..." works with "konnectd create pat ...".

The daemon checks every flag, the output format and any --jq expression
before it calls Konnect: a mistake never leaves a token behind. With
--store or --store-as-profile the token goes into the keychain and is
never printed.`,
	}
	org := func() *cobra.Command {
		return f.NewGroupCmd("organization", cmdutil.OrganizationAliases, "Create Konnect organization resources",
			f.NewGroupCmd("system-account", cmdutil.SystemAccountAliases, "Create Konnect system account resources", NewCreateSPATCmd(f)))
	}
	cmd.AddCommand(NewCreatePATCmd(f), NewCreateSPATCmd(f), NewCreateSystemAccountCmd(f), org(),
		f.NewGroupCmd("konnect", cmdutil.KonnectAliases, "Create Kong Konnect resources", NewCreatePATCmd(f), NewCreateSPATCmd(f), org()))
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = f.GroupRunE
	return cmd
}

// createOptions are the flags create pat and create spat share (defined
// once, in add) and the Flow that sends them.
type createOptions struct {
	f                          *cmdutil.Factory
	flow                       cmdutil.Flow
	name, expiresIn, expiresAt string
	storeAs, store             string
	replace                    bool
}

func (o *createOptions) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&o.name, "name", "", "Token name.")
	fl.StringVar(&o.expiresIn, "expires-in", "", helpExpiresIn)
	fl.StringVar(&o.expiresAt, "expires-at", "", helpExpiresAt)
	fl.StringVar(&o.storeAs, "store-as-profile", "", helpStoreAs)
	fl.StringVar(&o.store, "store", "", helpStore)
	fl.BoolVar(&o.replace, "replace", false, helpReplace)
	cmd.MarkFlagsMutuallyExclusive("store-as-profile", "store")
	o.flow = o.f.NewFlow(cmd, createOutputs...)
	_ = cmd.RegisterFlagCompletionFunc("store-as-profile", o.flow.CompleteProfiles)
}

// check refuses --replace without a store: there is nothing to replace.
func (o *createOptions) check(cmd *cobra.Command) error {
	if o.replace && o.store == "" && o.storeAs == "" {
		return o.f.Usage(cmd, "--replace applies to --store and --store-as-profile only")
	}
	return nil
}

// params are the shared method params; empty flags are left out so the
// daemon's "missing" checks see them as missing.
func (o *createOptions) params() map[string]any {
	p := map[string]any{"name": o.name}
	if o.expiresIn != "" {
		p["expiresIn"] = o.expiresIn
	}
	if o.expiresAt != "" {
		p["expiresAt"] = o.expiresAt
	}
	switch {
	case o.storeAs != "":
		p["store"] = map[string]any{"profile": o.storeAs, "replace": o.replace}
	case o.store != "":
		p["store"] = map[string]any{"name": o.store, "replace": o.replace}
	}
	return p
}

// createArgs refuses positional arguments as kongctl does, except for
// kongctl's one quirk: in "--jq -r '.token'" the flag parser takes -r as
// the expression, and the lone argument is the real one, printed raw.
// The flags are set through the flag set, so the Flow that owns them
// sees the corrected values.
func createArgs(f *cmdutil.Factory) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		fl := cmd.Flags()
		if len(args) == 1 && fl.Changed("jq") && fl.Lookup("jq").Value.String() == "-r" {
			if err := fl.Set("jq", args[0]); err != nil {
				return f.Usage(cmd, "%v", err)
			}
			if err := fl.Set("jq-raw-output", "true"); err != nil {
				return f.Usage(cmd, "%v", err)
			}
			return nil
		}
		if len(args) > 0 {
			return f.Usage(cmd, "unknown command %q for %q", args[0], cmd.CommandPath())
		}
		return nil
	}
}

// NewCreatePATCmd is kongctl's create pat.
func NewCreatePATCmd(f *cmdutil.Factory) *cobra.Command {
	o := &createOptions{f: f}
	var userID string
	cmd := &cobra.Command{
		Use:     "pat",
		Aliases: []string{"pats"},
		Short:   "Create a Konnect personal access token",
		Long: `Create a personal access token for your user (or --user-id), lasting
--expires-in (1 to 365 days) or until --expires-at.

Output (-o): text (default) prints the name, id and token; token prints
only the token; env prints "export KONGCTL_<PROFILE>_KONNECT_PAT='...'";
json and yaml print the whole record, and --jq filters it.`,
		Example: `  konnectd create pat --name ci --expires-in 30d
  konnectd create pat --name ci --expires-at 2027-06-24T12:00:00Z -o json
  eval "$(konnectd create pat --name ci --expires-in 7d -o env)"
  konnectd create pat --name deploy --expires-in 90d --store deploy-bot`,
		Args: createArgs(f),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(cmd); err != nil {
				return err
			}
			p := o.params()
			if userID != "" {
				p["userId"] = userID
			}
			return o.flow.Send(cmd, "token/createPersonal", p, nil)
		},
	}
	o.add(cmd)
	cmd.Flags().StringVar(&userID, "user-id", "", cmdutil.HelpUserID)
	return cmd
}

// NewCreateSPATCmd is kongctl's create spat.
func NewCreateSPATCmd(f *cmdutil.Factory) *cobra.Command {
	o := &createOptions{f: f}
	var acct cmdutil.AccountFlags
	cmd := &cobra.Command{
		Use:     "spat",
		Aliases: []string{"spats"},
		Short:   "Create a Konnect system account access token",
		Long: `Create an access token for a system account, named by
--system-account-id or --system-account-name, lasting --expires-in (1 to
365 days) or until --expires-at. Output as for "create pat".`,
		Example: `  konnectd create spat --name ci --system-account-name ci-deployer --expires-in 30d
  konnectd create spat --name ci --system-account-id 1d2f… --expires-in 30d -o token`,
		Args: createArgs(f),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(cmd); err != nil {
				return err
			}
			p := o.params()
			acct.Into(p)
			return o.flow.Send(cmd, "token/createSystemAccount", p, nil)
		},
	}
	o.add(cmd)
	acct.Add(cmd)
	return cmd
}

// NewCreateSystemAccountCmd is konnectd's create system-account (kongctl
// has it as create konnect organization system-account).
func NewCreateSystemAccountCmd(f *cmdutil.Factory) *cobra.Command {
	var name, description string
	var flow cmdutil.Flow
	cmd := &cobra.Command{
		Use:     "system-account",
		Aliases: []string{"system-accounts"},
		Short:   "Create a Konnect system account",
		Long: `Create a system account (kongctl's "create konnect organization
system-account"). Konnect refuses a name that is already taken.`,
		Example: `  konnectd create system-account --name ci-deployer --description "Deploys from CI"`,
		Args:    createArgs(f),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return flow.Send(cmd, "systemAccount/create", map[string]any{"name": name, "description": description}, nil)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "System account name.")
	cmd.Flags().StringVar(&description, "description", "", "System account description.")
	flow = f.NewFlow(cmd, "json", "yaml", "text")
	return cmd
}
