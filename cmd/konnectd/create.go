package main

import (
	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/internal/cli/cmdutil"
)

// Help strings copied from kongctl (kongctl.md §1) where it has them.
const (
	helpExpiresIn = "Token lifetime. Use a duration between 1 day and 365 days (12 months). Supported units are ns, us, ms, s, m, h, and d (days). Examples: 24h, 36h, 1d, 30d."
	helpExpiresAt = "Token expiration timestamp in RFC3339 format, for example 2026-06-24T12:00:00Z or 2026-06-24T12:00:00+02:00. Fractional seconds are accepted. Must be between 1 day and 365 days (12 months) from now."
	helpUserID    = cmdutil.HelpUserID
	helpStoreAs   = "Store the new token in the keychain as this profile's credential instead of printing it (konnectd only)."
	helpStore     = "Store the new token in the keychain under this name instead of printing it (konnectd only); secret-tool lookup service konnectd username token:NAME reads it."
	helpReplace   = "With --store or --store-as-profile: replace the keychain entry if it is taken (konnectd only; without it a taken entry is refused before anything is created)."
)

var createOutputs = []string{"json", "yaml", "text", "token", "env"}

func newCreateCmd() *cobra.Command {
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
	// kongctl's tree: create pat|spat, the same under the product word
	// (create konnect|k|K …) and the spat under the organization's system
	// account (create [konnect] organization|org system-account|sa spat).
	// create system-account is konnectd's own.
	org := func() *cobra.Command {
		return newGroupCmd("organization", organizationAliases, "Create Konnect organization resources",
			newGroupCmd("system-account", systemAccountAliases, "Create Konnect system account resources", newCreateSPATCmd()))
	}
	cmd.AddCommand(newCreatePATCmd(), newCreateSPATCmd(), newCreateSystemAccountCmd(), org(),
		newGroupCmd("konnect", konnectAliases, "Create Kong Konnect resources", newCreatePATCmd(), newCreateSPATCmd(), org()))
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = factory.GroupRunE
	return cmd
}

// tokenFlags are the flags create pat and create spat share.
type tokenFlags struct {
	verbOptions
	name, expiresIn, expiresAt string
	storeAs, store             string
	replace                    bool
}

func (f *tokenFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.name, "name", "", "Token name.")
	fl.StringVar(&f.expiresIn, "expires-in", "", helpExpiresIn)
	fl.StringVar(&f.expiresAt, "expires-at", "", helpExpiresAt)
	fl.StringVar(&f.storeAs, "store-as-profile", "", helpStoreAs)
	fl.StringVar(&f.store, "store", "", helpStore)
	fl.BoolVar(&f.replace, "replace", false, helpReplace)
	cmd.MarkFlagsMutuallyExclusive("store-as-profile", "store")
	f.verbOptions.addFlags(cmd, createOutputs...)
	_ = cmd.RegisterFlagCompletionFunc("store-as-profile", f.completeProfiles)
}

// check refuses --replace without a store: there is nothing to replace.
func (f *tokenFlags) check(cmd *cobra.Command) error {
	if f.replace && f.store == "" && f.storeAs == "" {
		return commandUsage(cmd, "--replace applies to --store and --store-as-profile only")
	}
	return nil
}

// params are the shared method params; empty flags are left out so the
// daemon's "missing" checks see them as missing.
func (f *tokenFlags) params() map[string]any {
	p := map[string]any{"name": f.name}
	if f.expiresIn != "" {
		p["expiresIn"] = f.expiresIn
	}
	if f.expiresAt != "" {
		p["expiresAt"] = f.expiresAt
	}
	switch {
	case f.storeAs != "":
		p["store"] = map[string]any{"profile": f.storeAs, "replace": f.replace}
	case f.store != "":
		p["store"] = map[string]any{"name": f.store, "replace": f.replace}
	}
	return p
}

// createArgs refuses positional arguments as kongctl does, except for
// kongctl's one quirk: in "--jq -r '.token'" the flag parser takes -r as
// the expression, and the lone argument is the real one, printed raw.
func createArgs(o *verbOptions) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 1 && cmd.Flags().Changed("jq") && o.jq == "-r" {
			o.jq, o.raw = args[0], true
			return nil
		}
		if len(args) > 0 {
			return commandUsage(cmd, "unknown command %q for %q", args[0], cmd.CommandPath())
		}
		return nil
	}
}

func newCreatePATCmd() *cobra.Command {
	f := &tokenFlags{}
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
		Args: createArgs(&f.verbOptions),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(cmd); err != nil {
				return err
			}
			p := f.params()
			if userID != "" {
				p["userId"] = userID
			}
			return runVerb(cmd.Context(), cmd, &f.verbOptions, "token/createPersonal", p, cmd.OutOrStdout())
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&userID, "user-id", "", helpUserID)
	return cmd
}

func newCreateSPATCmd() *cobra.Command {
	f := &tokenFlags{}
	var acct accountFlags
	cmd := &cobra.Command{
		Use:     "spat",
		Aliases: []string{"spats"},
		Short:   "Create a Konnect system account access token",
		Long: `Create an access token for a system account, named by
--system-account-id or --system-account-name, lasting --expires-in (1 to
365 days) or until --expires-at. Output as for "create pat".`,
		Example: `  konnectd create spat --name ci --system-account-name ci-deployer --expires-in 30d
  konnectd create spat --name ci --system-account-id 1d2f… --expires-in 30d -o token`,
		Args: createArgs(&f.verbOptions),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(cmd); err != nil {
				return err
			}
			p := f.params()
			acct.into(p)
			return runVerb(cmd.Context(), cmd, &f.verbOptions, "token/createSystemAccount", p, cmd.OutOrStdout())
		},
	}
	f.add(cmd)
	acct.add(cmd)
	return cmd
}

// accountFlags select a system account, for spat commands: the flag set
// defined once in cmdutil.
type accountFlags struct{ cmdutil.AccountFlags }

func (a *accountFlags) add(cmd *cobra.Command) { a.Add(cmd) }
func (a *accountFlags) into(p map[string]any)  { a.Into(p) }

func newCreateSystemAccountCmd() *cobra.Command {
	o := &verbOptions{}
	var name, description string
	cmd := &cobra.Command{
		Use:     "system-account",
		Aliases: []string{"system-accounts"},
		Short:   "Create a Konnect system account",
		Long: `Create a system account (kongctl's "create konnect organization
system-account"). Konnect refuses a name that is already taken.`,
		Example: `  konnectd create system-account --name ci-deployer --description "Deploys from CI"`,
		Args:    createArgs(o),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVerb(cmd.Context(), cmd, o, "systemAccount/create",
				map[string]any{"name": name, "description": description}, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "System account name.")
	cmd.Flags().StringVar(&description, "description", "", "System account description.")
	o.addFlags(cmd, "json", "yaml", "text")
	return cmd
}
