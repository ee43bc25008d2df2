package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/konnectd/konnectd/internal/redact"
)

// Error codes. The JSON-RPC 2.0 ones first, then LSP's cancellation code,
// then konnectd's own in the server-error range. docs/protocol.md lists
// them with their data shapes; clients branch on the code, never the text.
const (
	CodeParseError     = -32700
	CodeInvalidRequest = -32600
	CodeMethodNotFound = -32601
	CodeInvalidParams  = -32602
	CodeInternalError  = -32603

	CodeRequestCancelled = -32800 // LSP: the request was cancelled

	CodeShuttingDown   = -32001 // the session or daemon is shutting down
	CodeRefused        = -32002 // the daemon refused the connection (another user); sent once, then it closes
	CodeKonnect        = -32010 // Konnect answered with an error (data: problem details)
	CodeOutcomeUnknown = -32011 // a create request may have reached Konnect; check before retrying
	CodeUnauthorized   = -32012 // no credential for the profile, or Konnect rejected it
	CodeProfile        = -32020 // unknown profile, or the config file is invalid
	CodeKeychain       = -32030 // the keychain is locked, unavailable or timed out
	CodeJQ             = -32040 // jq expression invalid, failed, or over a limit
	CodeValidation     = -32050 // the request is well-formed but the values break a rule (kongctl's messages)
)

// Error is an error with a JSON-RPC code and optional data. Handlers return
// it (or errors wrapping it) to choose the code; anything else is mapped by
// the registered classifiers, and falls back to -32603.
type Error struct {
	Code    int64
	Message string
	Data    any
	Err     error // the cause, for errors.Is; never sent
	// Secret marks Data as carrying a secret on purpose: the new token of a
	// create whose later step failed. It must reach the caller, or it is
	// lost, so Data is not redacted; Message still is.
	Secret bool
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error with a formatted message.
func Errorf(code int64, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), Err: errors.Unwrap(err)}
}

// InvalidParams reports a bad field in a request's params.
func InvalidParams(format string, args ...any) *Error {
	return Errorf(CodeInvalidParams, "invalid params: "+format, args...)
}

// A Classifier turns an error from a lower package into an *Error, or
// returns nil when it does not recognise it. Packages are mapped here rather
// than made to import rpc: the keychain and the Konnect client know nothing
// of JSON-RPC.
type Classifier func(error) *Error

var classifiers []Classifier

// RegisterClassifier adds c to the chain consulted by toWire. Call it from
// an init function of the method family that needs it.
func RegisterClassifier(c Classifier) { classifiers = append(classifiers, c) }

// toWire converts any handler error to the reply's error object. The
// message is always redacted.
func toWire(ctx context.Context, err error) *jsonrpc2.Error {
	e := classify(ctx, err)
	w := &jsonrpc2.Error{Code: e.Code, Message: redact.String(e.Message)}
	if e.Data != nil {
		if b, merr := json.Marshal(e.Data); merr == nil {
			if !e.Secret {
				b = []byte(redact.String(string(b)))
				if !json.Valid(b) {
					// A mask across JSON syntax (explode's array) broke
					// it: the reply must still go out, without the data.
					b = []byte(`"` + redact.Mask + `"`)
				}
			}
			raw := json.RawMessage(b)
			w.Data = &raw
		}
	}
	return w
}

func classify(ctx context.Context, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return &Error{Code: CodeRequestCancelled, Message: "request cancelled", Err: err}
	}
	for _, c := range classifiers {
		if e := c(err); e != nil {
			return e
		}
	}
	return &Error{Code: CodeInternalError, Message: "internal error: " + err.Error(), Err: err}
}
