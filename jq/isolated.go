package jq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
)

// freeAfter is the size of input plus result past which the daemon hands
// memory back to the OS after an isolated evaluation: a few calls on
// large documents otherwise leave the RSS at its peak for minutes.
const freeAfter = 32 << 20

// isolated runs expr on a Go value in a worker: the value is encoded as
// JSON (as kongctl's own output path does before jq, see output.Render).
func (e *Engine) isolated(ctx context.Context, expr string, input any, raw bool) ([]byte, error) {
	if _, err := e.Compile(expr); err != nil {
		return nil, err
	}
	data, err := json.Marshal(input)
	if err != nil {
		return nil, newError(ErrInput, "jq input is not valid JSON: "+err.Error())
	}
	return e.isolatedJSON(ctx, expr, data, true, raw)
}

// isolatedJSON runs expr on raw JSON in a worker under the engine's
// deadline: the same checks as decodeInput first, so errors read the
// same as in process, then the worker, which decodes and runs it.
func (e *Engine) isolatedJSON(ctx context.Context, expr string, input []byte, checked, raw bool) ([]byte, error) {
	if n := int64(len(input)); n > e.limits.MaxInput {
		return nil, newError(ErrLimit, fmt.Sprintf("jq input is too large (%d bytes, limit %d)", n, e.limits.MaxInput))
	}
	if len(bytes.TrimSpace(input)) == 0 {
		return nil, newError(ErrInput, "jq input is empty, cannot apply jq filter")
	}
	if !checked && !json.Valid(input) {
		var v any
		err := json.Unmarshal(input, &v)
		return nil, newError(ErrInput, "jq input is not valid JSON: "+err.Error())
	}
	q := wireRequest{flags: wireChecked, expr: normalize(expr), input: input}
	if raw {
		q.flags |= wireRaw
	}
	ctx, cancel := context.WithTimeout(ctx, e.limits.Timeout)
	defer cancel()
	body, err := e.pool.eval(ctx, q)
	var busy *busyError
	if errors.As(err, &busy) {
		ce := e.contextError(busy.err).(*Error)
		ce.msg += fmt.Sprintf(" waiting for a jq worker (all %d busy)", busy.count)
		return nil, ce
	}
	if ctxErr := ctx.Err(); err != nil && ctxErr != nil && err == ctxErr {
		return nil, e.contextError(ctxErr)
	}
	if len(input)+len(body) > freeAfter {
		debug.FreeOSMemory()
	}
	return body, err
}

// decodeResult reads a worker's encoded result back into a value, as
// json.Unmarshal would.
func decodeResult(body []byte) (any, error) {
	if v, ok := decodeChecked(body); ok {
		return v, nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, newError(ErrRuntime, "jq filter failed: the jq worker's result is not JSON")
	}
	return v, nil
}
