package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/konnect/emulator"
)

// newEmulatorCmd runs the in-memory Konnect until SIGINT or SIGTERM.
func newEmulatorCmd() *cobra.Command {
	var (
		addr, seedFile, retryAfter, dropAfter string
		failAfter                             string
		failStatus                            int
		users, controlPlanes, rateLimitEvery  int
		latency, revokeGrace                  time.Duration
		clockAt                               string
		errorRate                             float64
		strict                                bool
	)
	cmd := &cobra.Command{
		Use:   "emulator",
		Short: "Run a local, in-memory Konnect (Identity v3, Control Planes v2) for tests and demos",
		Long: `Run a local, in-memory Konnect on a loopback address: the Identity v3 API
(users, teams, roles, system accounts, PATs, SPATs) and the Control Planes
v2 API (what 'konnectd api /v2/control-planes' reads and writes).

It prints two lines on stdout and then serves until SIGINT or SIGTERM:
  KONNECT_BASE_URL=http://127.0.0.1:PORT
  KONNECT_PAT=kpat_…          (a PAT of the organization's owner)

The default organization holds the three users of Konnect's filtering doc.
--seed FILE loads another (JSON: organization, users, teams,
system_accounts, roles keyed "user:<id>"/"team:<id>"/"system-account:<id>",
system_account_teams: account id → team ids). --control-planes N starts
with N control planes (cp-01 …), for paging through 'konnectd api'.

Tokens live as in Konnect: an expired token gets 401, a revoked PAT keeps
working for --revoke-grace and then gets 401, last_used_at moves on use.
--clock starts the emulator's clock at a given time; POST
/_emulator/clock {"advance":"36h"} (or {"set":RFC3339}) with the admin PAT
as bearer token moves it, so tests need not sleep.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			grace := revokeGrace
			if grace == 0 {
				grace = -1 // none: emulator.Options reads 0 as the default
			}
			var startAt time.Time
			if clockAt != "" {
				var err error
				if startAt, err = time.Parse(time.RFC3339Nano, clockAt); err != nil {
					return fmt.Errorf("--clock: %w", err)
				}
			}
			emu, err := emulator.New(emulator.Options{Users: users, ControlPlanes: controlPlanes, SeedFile: seedFile, Strict: strict, RevokeGrace: grace, Start: startAt})
			if err != nil {
				return err
			}
			emu.SetFaults(emulator.Faults{Latency: latency, RateLimitEvery: rateLimitEvery,
				RetryAfter: retryAfter, ErrorRate: errorRate, DropAfterCommit: dropAfter,
				FailAfterCommit: failAfter, FailStatus: failStatus})
			base, err := emu.Start(addr)
			if err != nil {
				return err
			}
			sigs := make(chan os.Signal, 1)
			signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
			defer signal.Stop(sigs)
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "KONNECT_BASE_URL=%s\nKONNECT_PAT=%s\n", base, emu.AdminToken())
			if f, ok := out.(*os.File); ok {
				f.Sync()
			}
			<-sigs
			if strict {
				for _, v := range emu.Violations() {
					fmt.Fprintln(cmd.ErrOrStderr(), "spec violation:", v)
				}
			}
			return emu.Close()
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:0", "address to listen on")
	f.StringVar(&seedFile, "seed", "", "JSON file with the organization to serve")
	f.IntVar(&users, "users", 0, "grow the organization to this many users (for benchmarks)")
	f.IntVar(&controlPlanes, "control-planes", 0, "start with this many control planes")
	f.BoolVar(&strict, "strict", false, "validate every exchange against the official spec; report violations on exit")
	f.DurationVar(&latency, "fault-latency", 0, "delay added to every request")
	f.DurationVar(&revokeGrace, "revoke-grace", emulator.DefaultRevokeGrace, "how long a revoked PAT keeps working (0: none)")
	f.StringVar(&clockAt, "clock", "", "start the emulator's clock at this RFC 3339 time (it ticks on from there)")
	f.IntVar(&rateLimitEvery, "fault-rate-limit-every", 0, "answer every Nth request with 429")
	f.StringVar(&retryAfter, "fault-retry-after", "1", "Retry-After on injected 429s (seconds or HTTP date)")
	f.Float64Var(&errorRate, "fault-error-rate", 0, "fraction of requests answered with 503")
	f.StringVar(&dropAfter, "fault-drop-after-commit", "", "operationId whose requests are committed and then left unanswered")
	f.StringVar(&failAfter, "fault-fail-after-commit", "", "operationId whose requests are committed and then answered with --fault-fail-status")
	f.IntVar(&failStatus, "fault-fail-status", 502, "status of the answers --fault-fail-after-commit sends")
	return cmd
}
