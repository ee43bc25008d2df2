// Package config reads kongctl's configuration the way kongctl does and keeps
// it live for a long-running daemon.
//
// It owns: finding the file (--config-file, KONGCTL_CONFIG_FILE, then
// $XDG_CONFIG_HOME/kongctl/config.yaml or ~/.config/kongctl/config.yaml);
// parsing it into profiles with line and column for every problem; kongctl's
// KONGCTL_<PROFILE>_<PATH> overrides taken from the caller's environment (an
// Env forwarded with each request, never the daemon's own); choosing a
// profile; reading kongctl's login token files; putting the credential
// sources in their documented order; and watching the file with fsnotify so
// subscribers hear about every effective change.
//
// It refuses to: write the user's config file or token files (kongctl owns
// them; this package only ever opens them for reading), talk to the keychain
// (the caller hands in a lookup function), refresh login tokens, or put a
// credential value into an error, a log line or a String method.
package config
