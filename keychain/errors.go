package keychain

import (
	"errors"
	"strings"

	"github.com/konnectd/konnectd/internal/redact"
)

// The kinds of failure a caller may want to tell apart. Errors returned by a
// Store wrap one of them (test with errors.Is) together with the underlying
// cause, and their text ends with a hint saying what the user can do.
var (
	ErrNotFound    = errors.New("no such credential in the keychain")
	ErrLocked      = errors.New("the keychain is locked")
	ErrUnavailable = errors.New("no keychain is available")
	ErrTimeout     = errors.New("the keychain did not answer in time")
	ErrTooLarge    = errors.New("the secret is too large for this keychain")
)

// Error is the error a Store returns. Kind is one of the sentinels above, or
// nil for a failure this package cannot classify; Err is the underlying cause,
// if any.
type Error struct {
	Op      string // "get", "set" or "delete"
	Account string // the keychain account; never a secret
	Kind    error
	Hint    string // what the user can do, if anything
	Err     error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("keychain: ")
	b.WriteString(e.Op)
	if e.Account != "" {
		b.WriteString(" ")
		b.WriteString(quote(e.Account))
	}
	if e.Kind != nil {
		b.WriteString(": ")
		b.WriteString(e.Kind.Error())
	}
	if e.Err != nil {
		b.WriteString(": ")
		// Causes come from D-Bus, security(1) or the OS; none should hold a
		// secret, but redaction is cheap insurance.
		b.WriteString(redact.String(e.Err.Error()))
	}
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap lets errors.Is and errors.As see both the kind and the cause.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// HintFileOption is the hint's advice to opt in to the file store, in the
// words of the daemon's CLI; a face where those commands do not apply (an
// MCP session) replaces it with its own.
const HintFileOption = hintFileOpt

// Hints shared by every platform.
const (
	hintNotFound = "store one first, e.g. with konnectd login"
	hintFileOpt  = "or opt in to the plaintext file store: 'konnectd.keychain: file' in the config file's default profile (then 'konnectd stop': a daemon reads it when it starts), or 'konnectd serve --keychain=file'"
	hintTooLarge = "store a shorter secret"
	hintTimeout  = "if a dialog asks to unlock your keychain, answer it; then retry"
	hintPending  = "if a dialog asks to unlock your keychain, answer or dismiss it; then retry (restarting konnectd also clears this)"
	// hintNoAnswer is for a keychain that does not answer where no prompt
	// can be shown (Linux without a display): the service itself hangs.
	hintNoAnswer = platformKeychain + " itself is not answering (no prompt can be showing: there is no display): " +
		"check that it is running and responsive, then retry; konnectd makes a new attempt once an unanswered request has been given up on"
)
