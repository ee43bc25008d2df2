package rpc

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/konnectd/konnectd/core"
)

// CredentialMethods: auth/credential hands a profile's token to a local
// process (konnectd exec, konnectd env). It is the one method whose answer
// holds a stored secret, so it has a guard of its own and an audit line
// for every hand-out.
func CredentialMethods(svc *core.Service, log *slog.Logger) []Method {
	return []Method{
		Func("auth/credential", func(ctx context.Context, p *ProfileParam) (*core.Grant, error) {
			sess, err := requireOwner(ctx)
			if err != nil {
				return nil, err
			}
			g, err := svc.Credential(ctx, p.caller(ctx))
			if err != nil {
				return nil, err
			}
			// Audit: who got which profile's credential, never the credential.
			log.Info("credential handed out",
				"profile", g.Profile, "source", g.Source,
				"peer_pid", sess.Peer.PID, "peer_exe", peerExecutable(sess.Peer.PID),
				"client", sess.ClientName(), "transport", sess.Transport,
				"time", time.Now().UTC().Format(time.RFC3339))
			return g, nil
		}),
	}
}

// requireOwner is the permission guard of privileged methods: the session
// must belong to the daemon's own user. Socket peers were checked on
// accept; this checks again so a new transport cannot forget to.
func requireOwner(ctx context.Context) (*Session, error) {
	sess := SessionFrom(ctx)
	if sess == nil {
		return nil, &Error{Code: CodeInvalidRequest, Message: "invalid request: auth/credential needs a session"}
	}
	if sess.Transport == "socket" && sess.Peer.UID != os.Getuid() {
		return nil, &Error{Code: CodeUnauthorized, Message: fmt.Sprintf("peer uid %d may not receive credentials", sess.Peer.UID)}
	}
	return sess, nil
}

// peerExecutable names the peer's program for the audit log, where the
// platform tells (Linux /proc); "" otherwise.
func peerExecutable(pid int) string {
	if pid <= 0 {
		return ""
	}
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return ""
	}
	return exe
}
