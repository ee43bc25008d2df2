package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/logging"
	"github.com/konnectd/konnectd/internal/version"
	"github.com/konnectd/konnectd/mcp"
)

type mcpOptions struct {
	allowWrite    bool
	revealSecrets bool
	profile       string
	logFile       string
	logLevel      string
	maxMessage    int
	maxResult     int
	timeout       time.Duration
	daemon        daemonOptions
}

func newMCPCmd() *cobra.Command {
	o := &mcpOptions{}
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve Konnect tools to an AI agent over MCP on stdin/stdout",
		Long: `Run an MCP (Model Context Protocol) server on stdin/stdout for one AI agent
session: Claude Code, Cursor, VS Code agent mode, or any MCP host.

The server runs konnectd's own core in this process, with the same config
file and keychain as the daemon; no daemon needs to be running. The
agent's KONGCTL_* environment selects profiles and credentials exactly as
for kongctl.

Read-only tools are always offered: whoami, organization, list_users,
list_teams, list_system_accounts, list_assigned_roles, list_tokens, jq.
Tools that create or delete tokens (create_pat, create_spat, rotate_token,
delete_token) exist only with --allow-write. A created token's value is
stored in the keychain (or a file the agent names) and never shown to the
model unless the server runs with --reveal-secrets.

Logs go to stderr or --log-file, never to stdout (the protocol stream).
See docs/mcp.md for registering konnectd with agent hosts.`,
		Example: `  # Claude Code: read-only tools; then write tools for the "admin" profile
  claude mcp add konnectd -- konnectd mcp
  claude mcp add konnectd-admin -- konnectd mcp --allow-write --profile admin
  # VS Code (user profile); Cursor: ~/.cursor/mcp.json, see docs/mcp.md
  code --add-mcp '{"name":"konnectd","command":"konnectd","args":["mcp"]}'
  # what the model will see
  npx @modelcontextprotocol/inspector --cli konnectd mcp --method tools/list`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runMCP(cmd.Context(), o) },
	}
	f := cmd.Flags()
	f.BoolVar(&o.allowWrite, "allow-write", false, "offer the tools that create, rotate or delete tokens")
	f.BoolVar(&o.revealSecrets, "reveal-secrets", false, "let created token values into tool results (and so into the model's context)")
	f.StringVarP(&o.profile, "profile", "p", "", "default profile for tool calls that name none (else $KONGCTL_PROFILE, else \"default\")")
	f.StringVar(&o.logFile, "log-file", "", "append logs to this file (mode 0600) instead of stderr")
	f.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	f.IntVar(&o.maxMessage, "max-message-size", mcp.DefaultMaxMessage, "largest message accepted from the agent host, in bytes")
	f.IntVar(&o.maxResult, "max-result", mcp.DefaultMaxResult, "largest tool result, in bytes; bigger ones ask the model to narrow its request")
	f.DurationVar(&o.timeout, "timeout", mcp.DefaultTimeout, "deadline of one tool call")
	o.daemon.addFlags(cmd)
	return cmd
}

func runMCP(ctx context.Context, o *mcpOptions) error {
	level, err := logging.ParseLevel(o.logLevel)
	if err != nil {
		return usageError("%v", err)
	}
	if o.maxMessage <= 0 || o.maxResult <= 0 || o.timeout <= 0 {
		return usageError("--max-message-size, --max-result and --timeout must be positive")
	}
	log, closeLog, err := logging.Open(o.logFile, level)
	if err != nil {
		return err
	}
	defer closeLog()

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	svc, w, err := o.daemon.core(ctx, log, nil)
	if err != nil {
		return err
	}
	defer w.Close()

	log.Info("serving MCP on stdio", "version", version.Version, "pid", os.Getpid(), "allow_write", o.allowWrite, "reveal_secrets", o.revealSecrets)
	err = mcp.Serve(ctx, mcp.Options{
		Service: svc,
		// The agent host spawned this process: its environment is the
		// caller's, as kongctl would see it.
		Caller:        core.Caller{DefaultProfile: o.profile, Env: config.EnvFromList(os.Environ())},
		AllowWrite:    o.allowWrite,
		RevealSecrets: o.revealSecrets,
		MaxResult:     o.maxResult,
		Timeout:       o.timeout,
		Version:       version.Version,
		Log:           log,
	}, o.maxMessage)
	if ctx.Err() != nil {
		err = nil // a signal is how hosts stop us
	}
	if errors.Is(err, mcp.ErrMessageTooLarge) {
		err = fmt.Errorf("mcp: the agent host sent a message over --max-message-size (%d bytes), which ends the session: %w", o.maxMessage, err)
	}
	log.Info("MCP session ended", "error", err)
	return err
}
