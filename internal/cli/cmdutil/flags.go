package cmdutil

import "github.com/spf13/cobra"

// HelpUserID is kongctl's help for --user-id on pat commands.
const HelpUserID = "Konnect user ID. Defaults to the authenticated user."

// AccountFlags select a system account, for spat commands:
// --system-account-id or --system-account-name, as kongctl names them.
type AccountFlags struct{ ID, Name string }

// Add registers the two flags on cmd.
func (a *AccountFlags) Add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&a.ID, "system-account-id", "", "System account ID.")
	cmd.Flags().StringVar(&a.Name, "system-account-name", "", "System account name (looked up with filter[name][eq]).")
}

// Into adds the flags given to a method's params (systemAccountId,
// systemAccountName); the daemon checks that exactly one is there.
func (a *AccountFlags) Into(p map[string]any) {
	if a.ID != "" {
		p["systemAccountId"] = a.ID
	}
	if a.Name != "" {
		p["systemAccountName"] = a.Name
	}
}
