package jq

import (
	"context"
	"errors"

	"github.com/konnectd/konnectd/internal/redact"
)

// Sentinels for errors.Is, so the RPC layer can map failures to codes
// without parsing messages.
var (
	ErrInvalid = errors.New("invalid jq expression")           // parse error
	ErrCompile = errors.New("failed to compile jq expression") // e.g. unknown function, input
	ErrRuntime = errors.New("jq filter failed")                // error(...), type errors
	ErrInput   = errors.New("invalid jq input")                // input is empty or not JSON
	ErrLimit   = errors.New("jq limit exceeded")               // expression, input, results, output
	ErrTimeout = errors.New("jq filter timed out")             // deadline reached
)

// Error is every failure this package returns. Its message is already
// redacted: gojq quotes values in its errors (error(.token) would quote the
// token), so the original gojq error is deliberately not kept in the chain.
type Error struct {
	kind  error
	msg   string
	cause error // only context errors, which carry no data
}

func newError(kind error, msg string) *Error {
	return &Error{kind: kind, msg: redact.String(msg)}
}

func (e *Error) Error() string { return e.msg }

// Is matches the kind sentinel and, for deadlines, context.DeadlineExceeded.
func (e *Error) Is(target error) bool {
	return target == e.kind || (e.cause != nil && errors.Is(e.cause, target))
}

// Kind returns the sentinel this error belongs to.
func (e *Error) Kind() error { return e.kind }

func ctxError(err error, msg string) *Error {
	kind := ErrTimeout
	if errors.Is(err, context.Canceled) {
		kind = ErrRuntime
	}
	e := newError(kind, msg)
	e.cause = err
	return e
}
