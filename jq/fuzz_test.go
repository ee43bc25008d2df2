package jq

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// FuzzEval checks that no expression or input panics the engine and that
// every failure is one of the typed kinds the RPC layer maps to codes.
func FuzzEval(f *testing.F) {
	for _, seed := range []struct{ expr, input string }{
		{".", `{"a":1}`},
		{".foo |", `{}`},
		{"foo", `null`},
		{`error("boom")`, `1`},
		{"[.data[] | select(.active) | .email]", `{"data":[{"active":true,"email":"a@b"}]}`},
		{"input", `1`},
		{"$ENV", `{}`},
		{"last(range(1e10))", `0`},
		{`.[] | tostring`, `[1,"x",null,{"k":[]}]`},
		{`path(..)`, `{"a":[{"b":2}]}`},
		{`@base64d`, `"a2V5"`},
		{`"\(.)"`, `"<a&b>"`},
		// Numbers JSON lacks (issue 19 item 6) must come out encodable.
		{"infinite", `null`},
		{"[nan, -infinite, {a: pow(10;400)}]", `null`},
		{".[] | 1e1000", `[1,2]`},
	} {
		f.Add(seed.expr, []byte(seed.input))
	}
	e := New(Limits{Timeout: 100 * time.Millisecond, MaxResults: 1000, MaxOutput: 1 << 20, MaxInput: 1 << 16})
	kinds := []error{ErrInvalid, ErrCompile, ErrRuntime, ErrInput, ErrLimit, ErrTimeout}
	f.Fuzz(func(t *testing.T, expr string, input []byte) {
		v, err := e.EvalJSON(context.Background(), expr, input)
		if err == nil {
			// Every result must be encodable: one that is not got no reply.
			if _, err := json.Marshal(v); err != nil {
				t.Fatalf("result cannot be encoded: %v", err)
			}
			return
		}
		var typed *Error
		if !errors.As(err, &typed) {
			t.Fatalf("untyped error %T: %v", err, err)
		}
		for _, k := range kinds {
			if errors.Is(err, k) {
				return
			}
		}
		t.Fatalf("error of no known kind: %v", err)
	})
}
