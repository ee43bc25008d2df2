package keychain

import (
	"context"

	"github.com/konnectd/konnectd/internal/redact"
)

// registering is the Store Open returns: every secret read from or
// written to the keychain is registered with redact, so no later error or
// log line can carry it (or a transform of it), whichever caller forgot.
// It is the one place: backends do not register on their own.
type registering struct{ Store }

func (r registering) Get(ctx context.Context, account string) (string, error) {
	secret, err := r.Store.Get(ctx, account)
	if secret != "" {
		redact.Register(secret)
	}
	return secret, err
}

func (r registering) Set(ctx context.Context, account, secret string) error {
	redact.Register(secret) // before the call: its errors may quote it
	return r.Store.Set(ctx, account, secret)
}
