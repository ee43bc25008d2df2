package rpc

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/konnectd/konnectd/internal/jsonwalk"
	"github.com/konnectd/konnectd/jq"
)

// JQParams are jq/eval's params.
type JQParams struct {
	Expression string          `json:"expression"`
	Input      json.RawMessage `json:"input"`
	RawOutput  bool            `json:"rawOutput,omitempty"`
}

// Validate reports a missing expression; an empty one would silently mean
// "." and hide a client bug.
func (p *JQParams) Validate() error {
	if p.Expression == "" {
		return InvalidParams(`field "expression" is required`)
	}
	return nil
}

// walkDecode reads {"expression": "…", "input": …, "rawOutput": true|false}
// (any order, each at most once) from params json.Valid accepted, without
// the strict decoder's two passes over the whole input and copy of it (14
// ms for 1 MiB): input stays a sub-slice of the message. Anything else, an
// unknown field, a key with escapes or in another case (which
// encoding/json would match), an expression with escapes or non-ASCII
// bytes (which it would unescape or repair), a wrong type, goes to the
// strict decoder.
func (p *JQParams) walkDecode(raw []byte) bool {
	var q JQParams
	var seen [3]bool
	ok := jsonwalk.Object(raw, func(m jsonwalk.Member) bool {
		var f int
		switch string(m.Key) {
		case "expression":
			f = 0
			if len(m.Value) < 2 || m.Value[0] != '"' {
				return false
			}
			s := m.Value[1 : len(m.Value)-1]
			for _, c := range s {
				if c == '\\' || c >= 0x80 {
					return false
				}
			}
			q.Expression = string(s)
		case "input":
			f = 1
			q.Input = m.Value
		case "rawOutput":
			f = 2
			switch string(m.Value) {
			case "true":
				q.RawOutput = true
			case "false":
			default:
				return false
			}
		default:
			return false
		}
		if seen[f] {
			return false
		}
		seen[f] = true
		return true
	})
	if ok {
		*p = q
	}
	return ok
}

// JQMethods is the jq family: jq/eval runs an expression on a JSON value,
// with kongctl's result rules (0 results → null, 1 → the value, more → an
// array; rawOutput → one line per result as a string).
func JQMethods(e *jq.Engine) []Method {
	return []Method{
		Func("jq/eval", func(ctx context.Context, p *JQParams) (any, error) {
			input := []byte(p.Input)
			if len(input) == 0 {
				input = []byte("null")
			}
			// Params reach a method only after decodeMessage's json.Valid
			// accepted the whole message (FuzzJQParams only sends valid
			// params too), so input is not checked a second time.
			if p.RawOutput {
				return e.EvalCheckedJSONRaw(ctx, p.Expression, input)
			}
			return e.EvalCheckedJSON(ctx, p.Expression, input)
		}),
	}
}

// jqKinds names each jq failure for the error's data, so clients can tell
// a typo (invalid) from a runtime failure without reading the message.
var jqKinds = []struct {
	err  error
	kind string
}{
	{jq.ErrInvalid, "invalid"},
	{jq.ErrCompile, "compile"},
	{jq.ErrRuntime, "runtime"},
	{jq.ErrInput, "input"},
	{jq.ErrLimit, "limit"},
	{jq.ErrTimeout, "timeout"},
}

func init() {
	RegisterClassifier(func(err error) *Error {
		for _, k := range jqKinds {
			if errors.Is(err, k.err) {
				return &Error{Code: CodeJQ, Message: err.Error(), Data: map[string]string{"kind": k.kind}, Err: err}
			}
		}
		return nil
	})
}
