package keychain

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/zalando/go-keyring"
)

// backend is the keychain as go-keyring sees it. The tests of the lane swap
// in a slow one; everything else runs against the real keychain.
type backend interface {
	get(service, account string) (string, error)
	set(service, account, secret string) error
	delete(service, account string) error
}

// goos is runtime.GOOS, named so that maxSecretLen's callers read well.
const goos = runtime.GOOS

type goKeyring struct{}

func (goKeyring) get(service, account string) (string, error) { return keyring.Get(service, account) }
func (goKeyring) set(service, account, secret string) error {
	return keyring.Set(service, account, secret)
}
func (goKeyring) delete(service, account string) error { return keyring.Delete(service, account) }

// systemStore is the Store over the operating system's keychain.
type systemStore struct {
	o    Options
	be   backend
	lane *lane
}

func newSystemStore(o Options, be backend, l *lane) *systemStore {
	return &systemStore{o: o, be: be, lane: l}
}

func (s *systemStore) Kind() string { return KindSystem }

func (s *systemStore) Where(account string) string {
	return fmt.Sprintf("service %q, account %q", s.o.Service, account)
}

func (s *systemStore) Get(ctx context.Context, account string) (string, error) {
	return s.call(ctx, "get", account, func() (string, error) {
		return s.be.get(s.o.Service, account)
	})
}

func (s *systemStore) Set(ctx context.Context, account, secret string) error {
	if secret == "" {
		return &Error{Op: "set", Account: account, Err: errors.New("empty secret")}
	}
	limit := maxSecretLen(goos, s.o.Service, account)
	if err := checkSize("set", account, platformKeychain, secret, limit); err != nil {
		return err
	}
	_, err := s.call(ctx, "set", account, func() (string, error) {
		return "", s.be.set(s.o.Service, account, secret)
	})
	return err
}

func (s *systemStore) Delete(ctx context.Context, account string) error {
	_, err := s.call(ctx, "delete", account, func() (string, error) {
		return "", s.be.delete(s.o.Service, account)
	})
	return err
}

// call checks that the keychain can be reached without side effects, then
// runs fn in the lane under the timeout that fits this session, and turns
// whatever comes back into an *Error.
func (s *systemStore) call(ctx context.Context, op, account string, fn func() (string, error)) (string, error) {
	if err := checkAccount(op, account); err != nil {
		return "", err
	}
	if kind, hint, err := preflight(); kind != nil {
		return "", &Error{Op: op, Account: account, Kind: kind, Hint: hint, Err: err}
	}
	timeout := s.o.Timeout
	if promptPossible() {
		timeout = s.o.PromptTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	out, err := s.lane.do(ctx, fn)
	switch {
	case err == nil:
		return out, nil
	case errors.Is(err, errPending):
		hint := hintPending
		if !promptPossible() {
			hint = hintNoAnswer
		}
		return "", &Error{Op: op, Account: account, Kind: ErrTimeout, Err: err, Hint: hint}
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		e := ctxErr(op, account, err)
		if errors.Is(e, ErrTimeout) {
			// Only where a prompt can reach a user is one the likely cause.
			e.(*Error).Hint = hintTimeout
			if !promptPossible() {
				e.(*Error).Hint = hintNoAnswer
			}
		}
		return "", e
	}
	kind, hint := classify(err)
	if kind == ErrNotFound {
		err = nil // "secret not found in keyring" adds nothing to our message
	}
	return "", &Error{Op: op, Account: account, Kind: kind, Hint: hint, Err: err}
}

// classifyCommon handles what go-keyring reports the same way everywhere.
func classifyCommon(err error) (kind error, hint string, ok bool) {
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound, hintNotFound, true
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return ErrTooLarge, hintTooLarge, true
	}
	return nil, "", false
}
