package jq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"sync/atomic"

	"github.com/itchyny/gojq"
)

// Engine compiles and runs jq expressions under Limits. It is safe for
// concurrent use; one Engine per daemon is the intended shape.
type Engine struct {
	limits   Limits
	pool     *pool // nil: evaluations run in this process
	cache    *lru
	compiles atomic.Uint64
	hits     atomic.Uint64
}

// Stats counts cache behaviour; tests and diagnostics read it.
type Stats struct {
	Compiles uint64 // expressions parsed and compiled
	Hits     uint64 // lookups served from the cache
	Cached   int    // entries currently cached
}

// New returns an Engine; zero fields of l take their defaults.
func New(l Limits) *Engine {
	l = l.withDefaults()
	return &Engine{limits: l, cache: newLRU(l.CacheSize)}
}

// Isolate makes every later evaluation run in a worker process of w
// instead of in this one: the daemon's engine does this, so that no
// expression can take more memory than w.Memory or outlive its deadline
// or cancellation (the worker is killed then, whatever builtin it is in).
// Compiling, for early validation and error messages, stays in process.
// Call it before the engine is used; it is not safe to race with Eval.
func (e *Engine) Isolate(w Workers) error {
	p, err := newPool(w, e.limits)
	if err != nil {
		return err
	}
	e.pool = p
	return nil
}

// Close ends the engine's idle workers, if it has any.
func (e *Engine) Close() {
	if e.pool != nil {
		e.pool.close()
	}
}

// Limits returns the effective limits.
func (e *Engine) Limits() Limits { return e.limits }

// Stats returns a snapshot of the cache counters.
func (e *Engine) Stats() Stats {
	return Stats{Compiles: e.compiles.Load(), Hits: e.hits.Load(), Cached: e.cache.len()}
}

// normalize applies kongctl's rule that surrounding space is ignored and an
// empty expression means ".".
func normalize(expr string) string {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return "."
	}
	return expr
}

// Compile checks and compiles expr, serving repeats from the cache. Callers
// use it to reject a bad --jq before doing anything irreversible, such as
// creating a token (kongctl only notices after the token exists).
func (e *Engine) Compile(expr string) (*gojq.Code, error) {
	if n := len(expr); n > e.limits.MaxExpr {
		return nil, newError(ErrLimit, fmt.Sprintf("jq expression is too long (%d bytes, limit %d)", n, e.limits.MaxExpr))
	}
	expr = normalize(expr)
	if code, ok := e.cache.get(expr); ok {
		e.hits.Add(1)
		return code, nil
	}
	e.compiles.Add(1)
	query, err := gojq.Parse(expr)
	if err != nil {
		return nil, newError(ErrInvalid, "invalid jq expression: "+err.Error())
	}
	if len(query.Imports) > 0 || query.Meta != nil {
		// gojq would fail later without a loader; say why up front.
		return nil, newError(ErrCompile, "failed to compile jq expression: modules are not supported")
	}
	// No WithInputIter: input and inputs fail to compile. An explicit empty
	// environment: $ENV and env never see the daemon's variables, whatever
	// gojq's default becomes.
	code, err := gojq.Compile(query, gojq.WithEnvironLoader(func() []string { return nil }))
	if err != nil {
		return nil, newError(ErrCompile, "failed to compile jq expression: "+err.Error())
	}
	e.cache.put(expr, code)
	return code, nil
}

// Eval runs expr on input and shapes the results like kongctl: none gives
// nil (printed as null), one gives that value, several give a []any.
//
// input must be a JSON-shaped value (map[string]any, []any, string, float64,
// int, bool, nil, json.Number), as produced by encoding/json; gojq rejects
// other Go types with a runtime error.
func (e *Engine) Eval(ctx context.Context, expr string, input any) (any, error) {
	if e.pool != nil {
		body, err := e.isolated(ctx, expr, input, false)
		if err != nil {
			return nil, err
		}
		return decodeResult(body)
	}
	var results []any
	err := e.run(ctx, expr, input, func(v any) error {
		results = append(results, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	switch len(results) {
	case 0:
		return nil, nil
	case 1:
		return results[0], nil
	default:
		return results, nil
	}
}

// EvalRaw runs expr and returns kongctl's -r output: one line per result,
// strings as they are, everything else as compact JSON (Go's encoder, so
// with HTML escaping, like kongctl). Every line ends in "\n"; no results give
// "".
func (e *Engine) EvalRaw(ctx context.Context, expr string, input any) (string, error) {
	if e.pool != nil {
		body, err := e.isolated(ctx, expr, input, true)
		return string(body), err
	}
	var b strings.Builder
	err := e.run(ctx, expr, input, func(v any) error {
		if s, ok := v.(string); ok {
			b.WriteString(s)
		} else {
			data, err := json.Marshal(v)
			if err != nil {
				return newError(ErrRuntime, "failed to encode filtered result: "+err.Error())
			}
			b.Write(data)
		}
		b.WriteByte('\n')
		if int64(b.Len()) > e.limits.MaxOutput {
			return e.outputLimitError()
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return b.String(), nil
}

// DecodeInput parses raw JSON the way kongctl does (numbers become float64,
// so integers beyond 2^53 lose precision exactly as they do in kongctl),
// after checking it against MaxInput.
func (e *Engine) DecodeInput(data []byte) (any, error) {
	return e.decodeInput(data, false)
}

// decodeInput is DecodeInput; checked says json.Valid has already accepted
// data, so it need not be checked again.
func (e *Engine) decodeInput(data []byte, checked bool) (any, error) {
	if n := int64(len(data)); n > e.limits.MaxInput {
		return nil, newError(ErrLimit, fmt.Sprintf("jq input is too large (%d bytes, limit %d)", n, e.limits.MaxInput))
	}
	// bytes, not strings: converting would copy the whole input first.
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, newError(ErrInput, "jq input is empty, cannot apply jq filter")
	}
	// Validating first and then decoding with decodeChecked takes about a
	// third of json.Unmarshal's time on a large document; whatever
	// decodeChecked leaves to encoding/json (and invalid input, for the
	// error message) goes through json.Unmarshal as before.
	if checked || json.Valid(data) {
		if v, ok := decodeChecked(data); ok {
			return v, nil
		}
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, newError(ErrInput, "jq input is not valid JSON: "+err.Error())
	}
	return v, nil
}

// EvalJSON is DecodeInput followed by Eval. The expression is compiled first
// so a bad expression is reported even when the input is bad too. On an
// isolated engine the result is a json.RawMessage of the encoded result
// (the worker has encoded it already): marshal it, do not inspect it.
func (e *Engine) EvalJSON(ctx context.Context, expr string, input []byte) (any, error) {
	return e.evalJSON(ctx, expr, input, false)
}

// EvalCheckedJSON is EvalJSON for input that json.Valid has already
// accepted, as the RPC layer has every message it hands on: it skips
// a second validation pass (about 5 ms on 1 MiB). Given invalid input its
// results are unspecified, though it does not panic.
func (e *Engine) EvalCheckedJSON(ctx context.Context, expr string, input []byte) (any, error) {
	return e.evalJSON(ctx, expr, input, true)
}

func (e *Engine) evalJSON(ctx context.Context, expr string, input []byte, checked bool) (any, error) {
	if _, err := e.Compile(expr); err != nil {
		return nil, err
	}
	if e.pool != nil {
		body, err := e.isolatedJSON(ctx, expr, input, checked, false)
		if err != nil {
			return nil, err
		}
		return json.RawMessage(body), nil
	}
	v, err := e.decodeInput(input, checked)
	if err != nil {
		return nil, err
	}
	return e.Eval(ctx, expr, v)
}

// EvalJSONRaw is DecodeInput followed by EvalRaw.
func (e *Engine) EvalJSONRaw(ctx context.Context, expr string, input []byte) (string, error) {
	return e.evalJSONRaw(ctx, expr, input, false)
}

// EvalCheckedJSONRaw is EvalJSONRaw for input json.Valid has already
// accepted; see EvalCheckedJSON.
func (e *Engine) EvalCheckedJSONRaw(ctx context.Context, expr string, input []byte) (string, error) {
	return e.evalJSONRaw(ctx, expr, input, true)
}

func (e *Engine) evalJSONRaw(ctx context.Context, expr string, input []byte, checked bool) (string, error) {
	if _, err := e.Compile(expr); err != nil {
		return "", err
	}
	if e.pool != nil {
		body, err := e.isolatedJSON(ctx, expr, input, checked, true)
		return string(body), err
	}
	v, err := e.decodeInput(input, checked)
	if err != nil {
		return "", err
	}
	return e.EvalRaw(ctx, expr, v)
}

func (e *Engine) outputLimitError() error {
	return newError(ErrLimit, fmt.Sprintf("jq output is too large (limit %d bytes)", e.limits.MaxOutput))
}

// run compiles expr and feeds every result to emit under the deadline and
// the result and output caps.
func (e *Engine) run(ctx context.Context, expr string, input any, emit func(any) error) error {
	code, err := e.Compile(expr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, e.limits.Timeout)
	defer cancel()

	iter := code.RunWithContext(ctx, input)
	var count int
	var size int64
	for {
		v, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, isErr := v.(error); isErr {
			if ctxErr := ctx.Err(); ctxErr != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
				return e.contextError(ctxErr)
			}
			// halt lands here too, as kongctl does: it reports every error
			// value, and a daemon has no process to exit.
			return newError(ErrRuntime, "jq filter failed: "+err.Error())
		}
		if count++; count > e.limits.MaxResults {
			return newError(ErrLimit, fmt.Sprintf("jq filter produced too many results (limit %d)", e.limits.MaxResults))
		}
		// The estimate walks the value, which for "." is the whole input; it
		// stops as soon as the budget is spent, so the cost is bounded by
		// MaxOutput rather than by the value.
		budget := e.limits.MaxOutput - size
		n, nonFinite := approxSize(v, budget)
		if n > budget {
			return e.outputLimitError()
		}
		size += n
		if nonFinite {
			// JSON has no ±Inf or NaN: encoding/json refuses them, which
			// left the reply unwritten. jq prints them as the largest
			// finite double and null, and so do we.
			v = finite(v)
		}
		if err := emit(v); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return e.contextError(err)
		}
	}
}

func (e *Engine) contextError(err error) error {
	if errors.Is(err, context.Canceled) {
		return ctxError(err, "jq filter canceled")
	}
	return ctxError(err, fmt.Sprintf("jq filter timed out after %s", e.limits.Timeout))
}

// approxSize estimates the compact JSON size of v, giving up once it passes
// budget. It errs low for escaped strings and that is fine: it is a guard
// against runaway output, not an accountant. nonFinite reports a ±Inf or
// NaN among the numbers it saw, which JSON cannot carry (see finite).
func approxSize(v any, budget int64) (size int64, nonFinite bool) {
	var n int64
	var walk func(any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case nil:
			n += 4
		case bool:
			n += 5
		case string:
			n += int64(len(v)) + 2
		case float64:
			n += 8
			if math.IsInf(v, 0) || math.IsNaN(v) {
				nonFinite = true
			}
		case int, json.Number:
			n += 8
		case *big.Int:
			n += int64(v.BitLen()/3 + 1)
		case []any:
			n += 2
			for _, x := range v {
				n++
				if !walk(x) {
					return false
				}
			}
		case map[string]any:
			n += 2
			for k, x := range v {
				n += int64(len(k)) + 4
				if !walk(x) {
					return false
				}
			}
		default:
			n += 8
		}
		return n <= budget
	}
	walk(v)
	return n, nonFinite
}

// finite returns v with jq's encoding of the numbers JSON lacks: +Inf and
// -Inf become ±math.MaxFloat64 (jq prints 1.7976931348623157e+308) and NaN
// becomes null. Only the containers on the way to such a number are
// copied; v itself is not changed, since gojq may share it with the input.
func finite(v any) any {
	f, _ := finiteChanged(v)
	return f
}

func finiteChanged(v any) (any, bool) {
	switch x := v.(type) {
	case float64:
		switch {
		case math.IsNaN(x):
			return nil, true
		case math.IsInf(x, 1):
			return math.MaxFloat64, true
		case math.IsInf(x, -1):
			return -math.MaxFloat64, true
		}
	case []any:
		var out []any
		for i, el := range x {
			f, changed := finiteChanged(el)
			if changed && out == nil {
				out = append(make([]any, 0, len(x)), x[:i]...)
			}
			if out != nil {
				out = append(out, f)
			}
		}
		if out != nil {
			return out, true
		}
	case map[string]any:
		var out map[string]any
		for k, el := range x {
			f, changed := finiteChanged(el)
			if !changed {
				continue
			}
			if out == nil {
				out = make(map[string]any, len(x))
				for k2, el2 := range x {
					out[k2] = el2
				}
			}
			out[k] = f
		}
		if out != nil {
			return out, true
		}
	}
	return v, false
}
