package rpc

import (
	"context"
	"encoding/json"
	"errors"

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
			if p.RawOutput {
				return e.EvalJSONRaw(ctx, p.Expression, input)
			}
			return e.EvalJSON(ctx, p.Expression, input)
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
