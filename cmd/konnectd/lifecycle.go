package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/rpc"
)

// addTestClockFlag adds serve's hidden --test-clock: the daemon's clock
// becomes one that the test/clock method moves (for end-to-end tests of
// expiry and overlap windows against the emulator's clock).
func addTestClockFlag(cmd *cobra.Command, o *daemonOptions) {
	var on bool
	cmd.Flags().BoolVar(&on, "test-clock", false, "tests only: a clock the test/clock method moves")
	_ = cmd.Flags().MarkHidden("test-clock")
	prev := cmd.PreRunE
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if on {
			o.clock = &core.TestClock{}
		}
		if prev != nil {
			return prev(cmd, args)
		}
		return nil
	}
}

// startLifecycle runs the daemon's token lifecycle work for as long as
// ctx: the expiry watch, whose notifications go to every client.
func startLifecycle(ctx context.Context, svc *core.Service, srv *rpc.Server) {
	dir := svc.StateDir()
	if dir == "" {
		return
	}
	// Only initialized sessions hear it and count as delivered: each is
	// raised once, and a connection that never speaks (a probe, a client
	// still starting) must not use it up.
	notify := func(method string, params any) int {
		n := 0
		srv.Broadcast(context.Background(), method, func(s *rpc.Session) any {
			if !s.Initialized() {
				return nil
			}
			n++
			return params
		})
		return n
	}
	w := svc.NewExpiryWatch(filepath.Join(dir, core.ExpiryFile), notify)
	// A notification raised while no client was listening waits for the
	// next one.
	srv.OnInitialize(func(*rpc.Session) {
		if w.Undelivered() {
			svc.Kick()
		}
	})
	go w.Run(ctx)
	go svc.RunRevoker(ctx)
}

// statusLifecycle adds konnectd status's lines about the credential's
// life: when it expires and how many days are left.
func statusLifecycle(st *core.AuthStatus, line func(k, v string)) {
	if st.PATs != nil {
		line("PATs", fmt.Sprintf("%d/%d", st.PATs.Held, st.PATs.Max))
	}
	if st.Stored == nil || st.Stored.ExpiresAt == "" || st.DaysLeft == nil {
		return
	}
	left := fmt.Sprintf("%d days left", *st.DaysLeft)
	switch {
	case *st.DaysLeft < 0:
		left = "expired"
	case *st.DaysLeft == 1:
		left = "1 day left"
	}
	line("Expires", fmt.Sprintf("%s (%s)", st.Stored.ExpiresAt, left))
}
