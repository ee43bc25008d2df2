package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/internal/safesocket"
	"github.com/konnectd/konnectd/internal/version"
	"github.com/konnectd/konnectd/rpc"
)

// clientOptions are the flags every client command shares: where the
// daemon is and whether to start one.
type clientOptions struct {
	socket  string
	noStart bool
	profile string
	timeout time.Duration
	// configFile is the caller's config file (--config-file or
	// KONGCTL_CONFIG_FILE); a daemon this client starts serves it.
	configFile string
}

func (o *clientOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.socket, "socket", "", "daemon socket (default: $KONNECTD_SOCKET or the per-user runtime directory)")
	f.BoolVar(&o.noStart, "no-start", false, "fail instead of starting a daemon when none is running")
	f.DurationVar(&o.timeout, "timeout", 2*time.Minute, "give up on the request after this long")
	// kongctl-shaped commands define --config-file with their inherited
	// flags (and hand it over in prepare); the others get it here.
	if f.Lookup("config-file") == nil {
		f.StringVar(&o.configFile, "config-file", "", "Path to the configuration file to load.")
	}
}

func (o *clientOptions) socketPath() string {
	if o.socket != "" {
		return o.socket
	}
	return safesocket.DefaultPath(os.Getenv)
}

// startWait is how long a client waits for a daemon it started to listen.
const startWait = 10 * time.Second

// connect dials the daemon, starting one in the background when none runs
// (as gopls does). Start-up is race-free: concurrent clients serialise on
// a lock file beside the socket, and the one that finds no daemon starts it
// while the others wait and then dial what it started.
func connect(ctx context.Context, o *clientOptions, onNotify rpc.NotificationHandler) (*rpc.Client, error) {
	if o.configFile != "" {
		// --config-file is this command's KONGCTL_CONFIG_FILE: initialize
		// resolves and sends it (and forwards it, as kongctl's flag would
		// reach a command konnectd exec runs).
		if err := os.Setenv("KONGCTL_CONFIG_FILE", o.configFile); err != nil {
			return nil, fmt.Errorf("--config-file: %w", err)
		}
	}
	path := o.socketPath()
	c, err := rpc.Dial(ctx, path, onNotify)
	if err == nil || o.noStart || !daemonAbsent(err) {
		if err != nil {
			return nil, dialError(path, err)
		}
		return c, nil
	}
	if err := safesocket.CheckPathLength(path); err != nil {
		return nil, err
	}
	if err := safesocket.EnsureDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	lock, err := safesocket.WaitLock(path+".start", startWait)
	if err != nil {
		return nil, fmt.Errorf("wait for another client starting the daemon: %w", err)
	}
	defer lock.Unlock()
	// Someone may have started it while we waited for the lock.
	if c, err := rpc.Dial(ctx, path, onNotify); err == nil {
		return c, nil
	} else if errors.Is(err, safesocket.ErrUntrusted) {
		return nil, err
	}
	logPath := filepath.Join(filepath.Dir(path), "konnectd.log")
	if err := spawnDaemon(path, logPath, o.configFile); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(startWait)
	for {
		c, err := rpc.Dial(ctx, path, onNotify)
		if err == nil {
			return c, nil
		}
		if errors.Is(err, safesocket.ErrUntrusted) {
			return nil, err
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("started a daemon but it did not answer on %s within %s; see %s", path, startWait, logPath)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func daemonAbsent(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT)
}

func dialError(path string, err error) error {
	if errors.Is(err, safesocket.ErrUntrusted) {
		return err // names the path and who owns it
	}
	if daemonAbsent(err) {
		return fmt.Errorf("no konnectd daemon is running on %s (start one with 'konnectd serve', or drop --no-start)", path)
	}
	return fmt.Errorf("connect to konnectd on %s: %w", path, err)
}

// spawnDaemon starts "konnectd serve" detached from this process: its own
// session, no terminal, logs to logPath.
func spawnDaemon(socket, logPath, configFile string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the konnectd binary to start a daemon: %w", err)
	}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return err
	}
	defer devnull.Close()
	cmd := exec.Command(exe, "serve", "--socket", socket, "--log-file", logPath)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, devnull, devnull
	cmd.SysProcAttr = detached()
	// The daemon must not inherit the caller's credentials: requests carry
	// the caller's KONGCTL_* variables explicitly.
	cmd.Env = scrubEnv(os.Environ())
	if configFile != "" {
		cmd.Env = append(cmd.Env, "KONGCTL_CONFIG_FILE="+configFile)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start konnectd daemon: %w", err)
	}
	// Reap it if it dies early, so it is not a zombie while we wait.
	go cmd.Wait()
	return nil
}

func scrubEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		// KONGCTL_CONFIG_FILE names the file to serve, not a credential:
		// without it the daemon would watch the default file instead of
		// the one this caller uses.
		if !strings.HasPrefix(kv, "KONGCTL_") || strings.HasPrefix(kv, "KONGCTL_CONFIG_FILE=") {
			out = append(out, kv)
		}
	}
	return out
}

// kongctlEnv is the caller's KONGCTL_* variables, forwarded with each
// request so the daemon acts on the caller's environment, not its own.
func kongctlEnv() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "KONGCTL_") {
			env[k] = v
		}
	}
	return env
}

// initialize introduces a CLI client to the daemon. A daemon of another
// version (started before an upgrade, and still serving) gets a warning on
// stderr that says how to replace it, except for completion, whose stderr
// a shell may show mid-line, and for stop, which is the remedy.
//
// The config file goes with it, resolved here (KONGCTL_CONFIG_FILE, which
// --config-file sets, with $VAR expansion, against this process's working
// directory), because the daemon serves each client the file it names.
// Naming none leaves the daemon's own file, which is the default one unless
// the daemon was started with another.
func initialize(ctx context.Context, c *rpc.Client, name, profile string) error {
	loc, err := config.ResolvePath("", os.Getenv)
	if err != nil {
		return err
	}
	configFile := ""
	if loc.Explicit {
		configFile = loc.Path
	}
	var ir rpc.InitializeResult
	err = c.Call(ctx, "initialize", rpc.InitializeParams{
		ClientInfo: &rpc.ClientInfo{Name: name, Version: version.Version},
		Profile:    profile,
		Env:        kongctlEnv(),
		ConfigFile: configFile,
	}, &ir)
	if err != nil {
		return err
	}
	if v := ir.ServerInfo.Version; v != version.Version && name != "konnectd-completion" && name != "konnectd-stop" {
		fmt.Fprintf(os.Stderr, "Warning: the running daemon is konnectd %s and this is %s; 'konnectd stop' ends it, and the next command starts this one\n", v, version.Version)
	}
	return nil
}
