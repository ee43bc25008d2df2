package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/internal/logging"
	"github.com/konnectd/konnectd/internal/safesocket"
	"github.com/konnectd/konnectd/rpc"
)

type serveOptions struct {
	stdio        bool
	socket       string
	idleTimeout  time.Duration
	drainTimeout time.Duration
	logFile      string
	logLevel     string
	maxMessage   int64
	daemon       daemonOptions
}

func newServeCmd() *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the daemon on a Unix socket (default) or on stdin/stdout",
		Long: `Run the konnectd daemon.

With no flags it listens on a private Unix socket:
  $KONNECTD_SOCKET, else $XDG_RUNTIME_DIR/konnectd/konnectd.sock,
  else $TMPDIR/konnectd-<uid>/konnectd.sock, else /tmp/konnectd-<uid>/konnectd.sock.
The directory must be yours and closed to others (mode 0700); konnectd
creates it if missing and refuses to start otherwise. Only processes of
your own user may connect. One daemon runs per socket.

With --stdio it speaks JSON-RPC 2.0 on stdin/stdout for one client, the
way an editor runs a language server, and exits when stdin closes.

Each connection may use Content-Length headers (LSP, vscode-jsonrpc) or
one JSON message per line (MCP style, socat); konnectd answers in kind.
The protocol is documented in docs/protocol.md.

You rarely need to start it yourself: "konnectd call" and the other
client commands start it in the background when none is running.`,
		Example: `  konnectd serve                      # shared daemon on the default socket
  konnectd serve --stdio              # one client on stdin/stdout
  konnectd serve --socket /run/user/1000/k.sock --idle-timeout 0
  echo '{"jsonrpc":"2.0","id":1,"method":"daemon/status"}' | konnectd serve --stdio`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd.Context(), o) },
	}
	f := cmd.Flags()
	f.BoolVar(&o.stdio, "stdio", false, "serve one client on stdin/stdout instead of a socket")
	f.StringVar(&o.socket, "socket", "", "socket path (default: $KONNECTD_SOCKET or the per-user runtime directory)")
	f.DurationVar(&o.idleTimeout, "idle-timeout", 30*time.Minute, "exit after this long with no client connected (0 = never)")
	f.DurationVar(&o.drainTimeout, "drain-timeout", 10*time.Second, "on SIGTERM/SIGINT, how long to let running requests finish")
	f.StringVar(&o.logFile, "log-file", "", "append logs to this file (mode 0600) instead of stderr")
	f.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	f.Int64Var(&o.maxMessage, "max-message-size", rpc.DefaultMaxMessage, "largest message accepted from a client, in bytes")
	o.daemon.addFlags(cmd)
	addTestClockFlag(cmd, &o.daemon)
	return cmd
}

func runServe(ctx context.Context, o *serveOptions) error {
	level, err := logging.ParseLevel(o.logLevel)
	if err != nil {
		return usageError("%v", err)
	}
	if o.maxMessage <= 0 {
		return usageError("--max-message-size must be positive")
	}
	log, closeLog, err := logging.Open(o.logFile, level)
	if err != nil {
		return err
	}
	defer closeLog()

	setGCPercent()

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// daemon/stop ends the daemon the way a signal does: it cancels the
	// context everything below runs under.
	ctx, stopRequested := context.WithCancelCause(ctx)
	defer stopRequested(nil)

	// The socket (its directory checked, its lock taken) comes before the
	// core: a refused directory or a daemon already running is reported
	// before the config is watched and the keychain opened.
	var l *safesocket.Listener
	if !o.stdio {
		path := o.socket
		if path == "" {
			path = safesocket.DefaultPath(os.Getenv)
		}
		if l, err = listen(path); err != nil {
			if errors.Is(err, safesocket.ErrRunning) {
				return fmt.Errorf("%w (use 'konnectd call daemon/status' to talk to it)", err)
			}
			return err
		}
	}

	d, err := newDaemon(ctx, log, o, func() { stopRequested(errStopRequested) })
	if err != nil {
		if l != nil {
			l.Close()
		}
		if ctx.Err() != nil {
			// A signal during start-up (a config load that would not
			// finish) is a stop, not a failure.
			log.Info("stopped during start-up", "reason", context.Cause(ctx))
			return nil
		}
		return err
	}
	defer d.Close()

	if o.stdio {
		log.Info("serving on stdio", "version", d.srv.Version(), "pid", os.Getpid())
		// SIGTERM drains a stdio client as it does socket clients: the
		// connection outlives the signal until running requests finish
		// (at most --drain-timeout), so their replies are still written.
		connCtx, cancelConn := context.WithCancel(context.WithoutCancel(ctx))
		defer cancelConn()
		stopDrain := context.AfterFunc(ctx, func() {
			log.Info("shutting down", "reason", context.Cause(ctx))
			d.srv.Drain()
			cancelConn()
		})
		defer stopDrain()
		d.srv.ServeStream(connCtx, stdio{}, "stdio", safesocket.Cred{UID: os.Getuid(), PID: os.Getppid()})
		return nil
	}

	log.Info("listening", "socket", l.Path(), "version", d.srv.Version(), "pid", os.Getpid(), "idle_timeout", o.idleTimeout)
	err = d.srv.Serve(ctx, l)
	log.Info("stopped")
	return err
}

// errStopRequested is the shutdown reason the log gives for daemon/stop.
var errStopRequested = errors.New("a client called daemon/stop")

// stdio joins stdin and stdout into one connection.
type stdio struct{}

func (stdio) Read(p []byte) (int, error)  { return os.Stdin.Read(p) }
func (stdio) Write(p []byte) (int, error) { return os.Stdout.Write(p) }
func (stdio) Close() error {
	return errors.Join(os.Stdin.Close(), os.Stdout.Close())
}

var _ io.ReadWriteCloser = stdio{}

// daemonGCPercent is the daemon's GOGC unless the environment sets one.
// The daemon's live heap is small (a few MB), so with Go's default of 100
// the collector runs often under a jq/eval on 1 MiB, which allocates about
// 8 MB that are garbage once the call returns. At 200 the warm call was
// 3–8 ms (about a tenth) faster in e2e's BenchmarkJQDaemon, and the RSS
// measured there after the calls, and by BenchmarkRSS idle and with 100
// clients, stayed the same within noise (docs/benchmarks.md). 400 was
// a little faster again but left the daemon about 12 MB larger after jq
// calls. What this costs is a higher peak between collections when the
// live heap is large (a big jq input), up to about three times it
// instead of two.
const daemonGCPercent = 200

func setGCPercent() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(daemonGCPercent)
	}
}
