// Package version holds what the binary says about itself. The values are
// set at link time by the Makefile (-ldflags "-X ..."); a plain `go build`
// reports "dev" and falls back to the VCS stamp Go embeds.
package version

import (
	"runtime"
	"runtime/debug"
)

var (
	// Version is the release, e.g. "v0.1.0".
	Version = "dev"
	// Commit is the git commit the binary was built from.
	Commit = ""
)

// GoVersion is the toolchain the binary was built with.
func GoVersion() string { return runtime.Version() }

// CommitOrVCS returns Commit, or the revision Go stamped into the binary.
func CommitOrVCS() string {
	if Commit != "" {
		return Commit
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}

// UserAgent is sent on every HTTP request to Konnect.
func UserAgent() string { return "konnectd/" + Version }
