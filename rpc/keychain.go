package rpc

import (
	"context"
	"log/slog"
	"time"

	"github.com/konnectd/konnectd/core"
)

// KeychainListParams are keychain/list's params.
type KeychainListParams struct {
	Format *core.Format `json:"format,omitempty"`
}

// KeychainMethods: keychain/list (what konnectd stored, no secrets),
// keychain/forget (remove one entry) and keychain/secret (read one entry's
// secret: privileged, like auth/credential, and audited).
func KeychainMethods(svc *core.Service, log *slog.Logger) []Method {
	return []Method{
		Func("keychain/list", func(ctx context.Context, p *KeychainListParams) (any, error) {
			return svc.ListStored(ctx, CallerFrom(ctx, ""), p.Format)
		}),
		Func("keychain/forget", func(ctx context.Context, p *core.ForgetRequest) (*core.ForgetResult, error) {
			return svc.Forget(ctx, CallerFrom(ctx, ""), p)
		}),
		Func("keychain/secret", func(ctx context.Context, p *core.ForgetRequest) (*core.StoredSecret, error) {
			sess, err := requireOwner(ctx)
			if err != nil {
				return nil, err
			}
			s, err := svc.Secret(ctx, p)
			if err != nil {
				return nil, err
			}
			log.Info("stored secret handed out", "account", s.Account,
				"peer_pid", sess.Peer.PID, "peer_exe", peerExecutable(sess.Peer.PID),
				"client", sess.ClientName(), "transport", sess.Transport,
				"time", time.Now().UTC().Format(time.RFC3339))
			return s, nil
		}),
	}
}
