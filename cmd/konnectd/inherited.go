package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/internal/logging"
)

// inheritedFlags are the flags every kongctl command has (kongctl's
// "inherited" flags of the create/get/delete pages), defined once here and
// added to every kongctl-shaped command, groups included, so a kongctl
// command line parses the same. Each travels with the request it applies
// to; none changes what the daemon keeps.
type inheritedFlags struct {
	baseURL, region, configFile, pat  string
	jqColor, jqColorTheme, colorTheme string
	jqColorSet, jqColorThemeSet       string // the two jq flags when given, else ""
	logLevel, logFile                 string
	noTelemetry                       bool
	textLayout, textIDFormat          string
}

func (f *inheritedFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.baseURL, "base-url", "", "Base URL for Konnect API requests, for this command only.\n- Config path: [ konnect.base-url ]\n- Default   : [ https://us.api.konghq.com ]")
	fl.StringVar(&f.region, "region", "", "Konnect region identifier (for example \"eu\"). Used to construct the base URL when --base-url is not provided.\n- Config path: [ konnect.region ]")
	fl.StringVar(&f.configFile, "config-file", "", "Path to the configuration file to load.\n- Default: [ $XDG_CONFIG_HOME/kongctl/config.yaml ]")
	fl.StringVar(&f.pat, "pat", "", "Konnect Personal Access Token (PAT) used for this command. Other processes can read a command line:\nprefer 'konnectd login', which keeps the token in the OS keychain.\n- Config path: [ konnect.pat ]")
	fl.StringVar(&f.jqColor, "jq-color", "auto", "Controls colorized output for jq filter results.\n- Config path: [ jq.color.enabled ]\n- Allowed    : [ auto|always|never ]")
	fl.StringVar(&f.jqColorTheme, "jq-color-theme", "friendly", "Select the color theme used for jq filter results.\n- Config path: [ jq.color.theme ]\n- Examples   : [ friendly, github-dark, dracula ]")
	fl.StringVar(&f.colorTheme, "color-theme", "auto", "Configures the CLI UI/theme. Accepted for kongctl compatibility; konnectd's output has no theme.\n- Config path: [ color-theme ]")
	fl.StringVar(&f.logLevel, "log-level", "error", "Configures the logging level of this command (the client side; the daemon keeps its own). Logs are written to STDERR.\n- Allowed    : [ trace|debug|info|warn|error ]")
	fl.StringVar(&f.logFile, "log-file", "", "Write this command's logs to the specified file instead of STDERR.")
	fl.BoolVar(&f.noTelemetry, "no-telemetry", false, "Accepted for kongctl compatibility and does nothing: konnectd sends no telemetry.")
	fl.StringVar(&f.textLayout, "text-layout", "", "Configure static text-table column selection.\n- Config path: [ text.layout ]\n- Allowed    : [ compact|auto|wide ]\n- Default    : [ compact ]")
	fl.StringVar(&f.textIDFormat, "text-id-format", "", "Configure UUID rendering in static text-table ID columns.\n- Config path: [ text.id-format ]\n- Allowed    : [ compact|full ]\n- Default    : [ compact ]")
}

// into adds the per-request params: the request's token, base URL and
// region. A --pat on the command line gets a warning on a terminal's
// stderr (a script's stderr stays kongctl's).
func (f *inheritedFlags) into(cmd *cobra.Command, p map[string]any) error {
	if f.pat != "" {
		p["pat"] = f.pat
		if stderrIsTerminal() {
			fmt.Fprintln(cmd.ErrOrStderr(), "Warning: --pat puts the token on the command line, where other processes can read it; 'konnectd login' keeps it in the OS keychain instead")
		}
	}
	if f.baseURL != "" {
		p["baseUrl"] = f.baseURL
	}
	if f.region != "" {
		p["region"] = f.region
	}
	if err := f.check(); err != nil {
		return err
	}
	// The config file travels with the connection: prepare hands
	// requestConfigFile() to clientOptions, and initialize sends it.
	return nil
}

// check refuses values kongctl refuses, in its words.
func (f *inheritedFlags) check() error {
	if f.jqColor != "" && !oneOf(f.jqColor, "auto", "always", "never") {
		return fmt.Errorf("invalid color mode %q, must be one of [auto always never]", f.jqColor)
	}
	if f.textLayout != "" && !oneOf(f.textLayout, "compact", "auto", "wide") {
		return fmt.Errorf("invalid text layout %q, must be one of [compact auto wide]", f.textLayout)
	}
	if f.textIDFormat != "" && !oneOf(f.textIDFormat, "compact", "full") {
		return fmt.Errorf("invalid text ID format %q, must be one of [compact full]", f.textIDFormat)
	}
	if f.logLevel != "" && !oneOf(strings.ToLower(f.logLevel), "trace", "debug", "info", "warn", "error") {
		return fmt.Errorf("invalid log level %q, must be one of [trace debug info warn error]", f.logLevel)
	}
	return nil
}

// checkConfigFile is kongctl's refusal of a --config-file that is not
// there; it runs before anything is sent, and is not a usage error.
func (f *inheritedFlags) checkConfigFile() error {
	if f.configFile == "" {
		return nil
	}
	if _, err := os.Stat(os.ExpandEnv(f.configFile)); err != nil {
		return errors.New("the provided config file path does not exist")
	}
	return nil
}

// logger is this command's own log (--log-level, --log-file): what the
// client asked the daemon and how long it took, redacted like the
// daemon's log. Only debug and info lines are written, so at kongctl's
// default level (error) stderr holds exactly kongctl's output. A log
// file is closed when the process exits.
func (f *inheritedFlags) logger() (*slog.Logger, error) {
	level := f.logLevel
	if level == "" {
		level = "error"
	}
	lv, err := logging.ParseLevel(strings.ToLower(level))
	if err != nil {
		return nil, err
	}
	l, _, err := logging.Open(f.logFile, lv)
	if err != nil {
		return nil, fmt.Errorf("open --log-file: %w", err)
	}
	return l, nil
}

// requestConfigFile is the config file this caller means: --config-file,
// then KONGCTL_CONFIG_FILE, then "" (the daemon's default), with
// environment variables expanded as kongctl does.
func (f *inheritedFlags) requestConfigFile() string {
	p := os.Getenv("KONGCTL_CONFIG_FILE")
	if f.configFile != "" {
		p = os.ExpandEnv(f.configFile)
	}
	if p == "" {
		return ""
	}
	// A daemon started for this caller may not share its directory.
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return p
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}
