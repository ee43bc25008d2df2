package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/internal/version"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go toolchain of this binary",
		Long: `Print what this binary is: its release version and git commit (set by
"make build" at link time, or the VCS stamp Go embeds) and the Go toolchain
and platform it was built for. It does not contact a daemon, whose version
"konnectd call daemon/status" reports.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), versionText())
			return err
		},
	}
}

// versionText is what "konnectd version" and "konnectd --version" print.
func versionText() string {
	return fmt.Sprintf("konnectd %s\ncommit: %s\ngo: %s %s/%s\n",
		version.Version, version.CommitOrVCS(), version.GoVersion(), runtime.GOOS, runtime.GOARCH)
}
