package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/rpc"
)

type stopOptions struct {
	socket string
	wait   time.Duration
}

func newStopCmd() *cobra.Command {
	o := &stopOptions{}
	cmd := &cobra.Command{
		Use:   "stop",
		Short: "Stop the running daemon (the next client command starts a fresh one)",
		Long: `Ask the daemon on the socket to stop. It finishes the requests it is
running (at most its --drain-timeout), closes every client's connection,
removes its socket and exits, as it does on SIGTERM.

Stop it after upgrading the konnectd binary, or after changing a setting
the daemon reads only when it starts (konnectd.keychain in the config
file's default profile). Nothing is lost: tokens stay in the keychain, and
the next client command starts a new daemon. When no daemon runs, stop
says so and succeeds. It never starts a daemon.

Under systemd socket activation the service manager starts konnectd again
on the next connection; use 'systemctl --user stop konnectd.socket
konnectd.service' to keep it stopped.`,
		Example: `  konnectd stop
  konnectd stop --socket /tmp/konnectd-test/konnectd.sock`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runStop(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&o.socket, "socket", "", "daemon socket (default: $KONNECTD_SOCKET or the per-user runtime directory)")
	cmd.Flags().DurationVar(&o.wait, "wait", 30*time.Second, "how long to wait for the daemon to finish its requests and exit")
	return cmd
}

func runStop(ctx context.Context, o *stopOptions, stdout, stderr io.Writer) error {
	// Dial, not connect: stopping must never start a daemon.
	path := (&clientOptions{socket: o.socket}).socketPath()
	c, err := rpc.Dial(ctx, path, nil)
	if err != nil {
		if daemonAbsent(err) {
			fmt.Fprintf(stderr, "no konnectd daemon is running on %s\n", path)
			return nil
		}
		return &exitError{code: 1, err: dialError(path, err)}
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, o.wait)
	defer cancel()
	if err := initialize(ctx, c, "konnectd-stop", ""); err != nil {
		return rpcFailure(err)
	}
	var res rpc.StopResult
	if err := c.Call(ctx, "daemon/stop", nil, &res); err != nil {
		return rpcFailure(err)
	}
	// The daemon closes every connection, this one included, once its
	// running requests are done; that, not the socket file (a service
	// manager keeps its own), is the sign it has stopped serving.
	select {
	case <-c.Done():
	case <-ctx.Done():
		return &exitError{code: 1, err: fmt.Errorf("konnectd (pid %d) accepted the stop but is still finishing requests after %s", res.PID, o.wait)}
	}
	fmt.Fprintf(stdout, "stopped konnectd (pid %d) on %s\n", res.PID, path)
	return nil
}
