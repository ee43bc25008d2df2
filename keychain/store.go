package keychain

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Store holds secrets by account. Implementations are safe for concurrent
// use. Every method returns an *Error whose Kind is one of ErrNotFound,
// ErrLocked, ErrUnavailable, ErrTimeout or ErrTooLarge when the failure is one
// of those.
type Store interface {
	// Get returns the secret stored for account.
	Get(ctx context.Context, account string) (string, error)
	// Set stores secret for account, replacing any earlier one.
	Set(ctx context.Context, account, secret string) error
	// Delete removes account's secret; ErrNotFound if there was none.
	Delete(ctx context.Context, account string) error
	// Kind is KindSystem or KindFile. KindFile means the secrets are kept
	// in plaintext, and status reports should say so.
	Kind() string
	// Where names account's entry the way a user finds it outside
	// konnectd: `service "konnectd", account "default"` for the system
	// keychain, the file's path and the account for the file store.
	Where(account string) string
}

// The kinds of Store.
const (
	KindSystem = "system" // the operating system's keychain
	KindFile   = "file"   // a plaintext file the user opted in to
)

// Defaults for Options.
const (
	DefaultService       = "konnectd"
	DefaultTimeout       = 5 * time.Second
	DefaultPromptTimeout = 60 * time.Second
)

// Options configure Open. The zero value opens the system keychain with the
// defaults above.
type Options struct {
	// Backend is KindSystem (the default) or KindFile.
	Backend string
	// FilePath is the file of the file store; required for KindFile. It is
	// expected beside konnectd's config file.
	FilePath string
	// Timeout bounds a keychain call where nobody can answer an unlock
	// prompt. Default DefaultTimeout.
	Timeout time.Duration
	// PromptTimeout bounds a keychain call where an unlock prompt may be
	// shown to a user. Default DefaultPromptTimeout.
	PromptTimeout time.Duration
	// Service is the keychain service name. Default DefaultService.
	Service string
}

// Open returns the Store that o describes. It does not touch the keychain;
// the first call does.
func Open(o Options) (Store, error) {
	if o.Service == "" {
		o.Service = DefaultService
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.PromptTimeout <= 0 {
		o.PromptTimeout = DefaultPromptTimeout
	}
	switch o.Backend {
	case "", KindSystem:
		return registering{newSystemStore(o, goKeyring{}, defaultLane)}, nil
	case KindFile:
		if o.FilePath == "" {
			return nil, errors.New("keychain: the file store needs a file path")
		}
		return registering{newFileStore(o.FilePath, o.Service)}, nil
	default:
		return nil, fmt.Errorf("keychain: unknown backend %q (want %q or %q)", o.Backend, KindSystem, KindFile)
	}
}

// checkAccount rejects accounts no caller should produce.
func checkAccount(op, account string) error {
	if account == "" {
		return &Error{Op: op, Err: errors.New("empty account name")}
	}
	return nil
}

// ctxErr turns a finished context into the Store's error for op.
func ctxErr(op, account string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Op: op, Account: account, Kind: ErrTimeout, Err: err}
	}
	return &Error{Op: op, Account: account, Err: err}
}
