package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

type watchOptions struct {
	client clientOptions
	count  int
	within time.Duration
}

func newWatchCmd() *cobra.Command {
	o := &watchOptions{}
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Print the daemon's notifications (profile/didChange, …) as JSON lines",
		Long: `Stay connected to the daemon and print every notification it sends, one
JSON object per line: {"method": "profile/didChange", "params": {...}}.

Scripts can react to config edits this way. It stops on Ctrl-C, after
--count notifications, or after --for.`,
		Example: `  konnectd watch
  konnectd watch --count 1 --for 30s   # wait for the next config change`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runWatch(cmd.Context(), o, cmd.OutOrStdout()) },
	}
	o.client.addFlags(cmd)
	cmd.Flags().StringVarP(&o.client.profile, "profile", "p", "", "this connection's profile (its \"active\" in profile/didChange)")
	cmd.Flags().IntVar(&o.count, "count", 0, "exit after this many notifications (0 = never)")
	cmd.Flags().DurationVar(&o.within, "for", 0, "exit after this long (0 = never)")
	return cmd
}

func runWatch(ctx context.Context, o *watchOptions, out io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.within > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.within)
		defer cancel()
	}
	var mu sync.Mutex
	seen := 0
	enough := make(chan struct{})
	c, err := connect(ctx, &o.client, func(method string, params json.RawMessage) {
		mu.Lock()
		defer mu.Unlock()
		if o.count > 0 && seen >= o.count {
			return
		}
		line, _ := json.Marshal(map[string]any{"method": method, "params": params})
		fmt.Fprintf(out, "%s\n", line)
		seen++
		if o.count > 0 && seen == o.count {
			close(enough)
		}
	})
	if err != nil {
		return err
	}
	defer c.Close()
	if err := initialize(ctx, c, "konnectd-watch", o.client.profile); err != nil {
		return rpcFailure(err)
	}
	select {
	case <-enough:
	case <-ctx.Done():
		if o.count > 0 && o.within > 0 && ctx.Err() == context.DeadlineExceeded {
			return &exitError{code: 1, err: fmt.Errorf("%d of %d notifications after %s", seen, o.count, o.within)}
		}
	case <-c.Done():
		return fmt.Errorf("the daemon closed the connection")
	}
	return nil
}
