package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/core"
)

// newAuditCmd is "konnectd audit [--since D] [-o json]": the daemon's
// audit log, which names tokens by id and never holds a secret.
func newAuditCmd() *cobra.Command {
	o := &clientOptions{}
	var since, out string
	cmd := &cobra.Command{
		Use:   "audit [--since 24h|RFC3339] [-o text|json]",
		Short: "Show the audit log: secrets handed out, tokens created, rotated, revoked, deleted",
		Long: `Show konnectd's audit log, oldest first. Each line is one event: a secret
handed to a process (konnectd exec and env, keychain/secret, auth/credential),
a token created, rotated, revoked or deleted, a keychain entry forgotten;
with the profile, the token's id (never the secret) and the process that
asked (uid, pid, executable). The log is konnectd-audit.log (0600) beside
the keychain index; at 10 MiB it moves to konnectd-audit.log.1.`,
		Example: `  konnectd audit --since 24h
  konnectd audit -o json | jq 'select(.event == "hand-out")'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out != "text" && out != "json" {
				return commandUsage(cmd, "invalid output format %q, must be one of [text json]", out)
			}
			var l core.AuditList
			if err := daemonCall(cmd.Context(), o, "audit/list", map[string]string{"since": since}, &l); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if out == "json" {
				enc := json.NewEncoder(w)
				for _, ev := range l.Events {
					if err := enc.Encode(ev); err != nil {
						return err
					}
				}
				return nil
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "TIME\tEVENT\tWHAT\tPROFILE\tKIND\tTOKEN ID\tACCOUNT\tPID\tEXECUTABLE")
			for _, ev := range l.Events {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", ev.Time, ev.Event, ev.What, ev.Profile, ev.Kind, ev.TokenID, ev.Account, ev.Peer.PID, ev.Peer.Exe)
			}
			if l.Truncated {
				fmt.Fprintf(cmd.ErrOrStderr(), "Warning: only the last %d events are shown\n", core.AuditMaxEvents)
			}
			return tw.Flush()
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&since, "since", "", "only events at or after this time (RFC 3339) or this long ago (24h)")
	cmd.Flags().StringVarP(&out, "output", "o", "text", "text (a table) or json (one event per line)")
	return cmd
}
