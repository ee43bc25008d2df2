package cmdutil

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

type nopVerb struct{}

func (nopVerb) Run(*cobra.Command, string, map[string]any, string) error { return nil }

// A group run alone is kongctl's error, never help with exit 0.
func TestGroupRefusesNoWordAndUnknownWords(t *testing.T) {
	f := &Factory{
		NewVerb: func(*cobra.Command, ...string) Verb { return nopVerb{} },
		Usage:   func(_ *cobra.Command, format string, args ...any) error { return fmt.Errorf(format, args...) },
	}
	leaf := func(name string) *cobra.Command {
		return &cobra.Command{Use: name, RunE: func(*cobra.Command, []string) error { return nil }}
	}
	root := &cobra.Command{Use: "kongctl", SilenceErrors: true, SilenceUsage: true}
	root.AddCommand(f.NewGroupCmd("konnect", KonnectAliases, "", leaf("spat"), leaf("pat")))
	for args, want := range map[string]string{
		"K":           `command "kongctl konnect" requires a subcommand` + "\n\nAvailable subcommands:\n  pat\n  spat",
		"k nosuch":    `unknown command "nosuch" for "kongctl konnect"`,
		"konnect pat": "",
	} {
		root.SetArgs(strings.Fields(args))
		err := root.Execute()
		if (err == nil && want != "") || (err != nil && err.Error() != want) {
			t.Errorf("%s: %v, want %q", args, err, want)
		}
	}
}
