package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/konnectd/konnectd/internal/jsonwalk"
)

// A Method is one entry of the method table.
type Method struct {
	Name string
	// Ordered methods run alone: the request after them waits until they
	// finish (initialize, shutdown). Others start in arrival order but run
	// concurrently.
	Ordered bool
	// Notification methods never reply (exit, $/cancelRequest).
	Handle func(ctx context.Context, params json.RawMessage) (any, error)
}

// Func adapts a typed handler into a Method. Params are decoded strictly:
// an unknown field, a wrong type or a failed Validate is -32602 naming the
// field, so a typo in a client is caught at once.
func Func[P any, R any](name string, fn func(context.Context, *P) (R, error)) Method {
	return Method{Name: name, Handle: func(ctx context.Context, raw json.RawMessage) (any, error) {
		p := new(P)
		if err := decodeParams(raw, p); err != nil {
			return nil, err
		}
		if v, ok := any(p).(interface{ Validate() error }); ok {
			if err := v.Validate(); err != nil {
				var e *Error
				if errors.As(err, &e) {
					return nil, e
				}
				return nil, InvalidParams("%s", err.Error())
			}
		}
		if cp, ok := any(p).(configParam); ok {
			ctx = withRequestConfigFile(ctx, cp.requestConfigFile())
		}
		return fn(ctx, p)
	}}
}

// Ordered marks m as ordered and returns it.
func (m Method) AsOrdered() Method { m.Ordered = true; return m }

// NoParams is the params type of methods that take none.
type NoParams struct{}

// walkDecoder is a params type that can read the params of the usual,
// simple request from the checked bytes itself (see JQParams.walkDecode)
// instead of the strict decoder's two scanner passes. Method params have
// always been through json.Valid (decodeMessage), which walkDecode relies
// on. It reports false, having changed nothing, whenever the strict
// decoder could see the params differently or would refuse them; the
// strict decoder then runs and its errors are the ones clients read.
type walkDecoder interface {
	walkDecode(raw []byte) bool
}

func decodeParams(raw json.RawMessage, v any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		raw = []byte("{}")
	}
	if raw[0] != '{' {
		return InvalidParams("params must be an object with named fields")
	}
	// Secrets in params are registered however the params were decoded,
	// and even when they were refused after decoding.
	defer registerParamSecrets(v)
	if f, ok := v.(walkDecoder); ok && f.walkDecode(raw) {
		return nil
	}
	// The strict decoder takes the last of a repeated field; a client, a
	// proxy or a log may read the first. Params that say two things are
	// refused, as a message with a repeated member is (decodeMessage).
	if key, dup := jsonwalk.DuplicateKey(raw); dup {
		return &Error{Code: CodeInvalidRequest, Message: fmt.Sprintf("invalid request: params member %q appears more than once", key)}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return InvalidParams("%s", describeDecodeError(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return InvalidParams("trailing data after params")
	}
	return nil
}

// describeDecodeError rewrites encoding/json's messages so they name the
// field in the client's terms.
func describeDecodeError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			return fmt.Sprintf("expected %s, got %s", te.Type, te.Value)
		}
		return fmt.Sprintf("field %q must be %s, not %s", field, jsonKind(te.Type.Kind().String()), te.Value)
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return "unknown field " + rest
	}
	return strings.TrimPrefix(msg, "json: ")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return "a " + goKind
}
