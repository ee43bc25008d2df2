package mcp

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// errorCodes sits between the SDK's stdio transport and stdout and gives a
// JSON-RPC error code to the errors the SDK sends without one. go-sdk
// v1.8 refuses a request that arrives before initialize with a plain Go
// error (`method "tools/list" is invalid during session initialization`),
// which its jsonrpc2 layer encodes as code 0, a code JSON-RPC does not
// define; that check runs before any middleware, so it can only be
// corrected on the wire. Every other message passes through unchanged.
//
// The transport writes one message per Write, newline-terminated; a
// partial line is held until its newline arrives.
type errorCodes struct {
	w   io.Writer
	mu  sync.Mutex
	buf []byte
}

func (e *errorCodes) Write(p []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.buf = append(e.buf, p...)
	for {
		i := bytes.IndexByte(e.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := fixErrorCodes(e.buf[:i+1])
		if _, err := e.w.Write(line); err != nil {
			return 0, err
		}
		e.buf = e.buf[i+1:]
	}
}

// wireError is a response's error object; Data is kept as it came.
type wireError struct {
	Code    int64           `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// fixErrorCodes returns line with code 0 replaced in an error response (or
// in each of a batch's), or line itself when there is nothing to fix.
func fixErrorCodes(line []byte) []byte {
	if !bytes.Contains(line, []byte(`"code":0`)) {
		return line
	}
	trimmed := bytes.TrimSpace(line)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var batch []json.RawMessage
		if json.Unmarshal(trimmed, &batch) != nil {
			return line
		}
		for i, m := range batch {
			batch[i] = fixOne(m)
		}
		out, err := json.Marshal(batch)
		if err != nil {
			return line
		}
		return append(out, '\n')
	}
	return append(fixOne(trimmed), '\n')
}

func fixOne(msg []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(msg, &m) != nil || m["error"] == nil {
		return msg
	}
	var we wireError
	if json.Unmarshal(m["error"], &we) != nil || we.Code != 0 {
		return msg
	}
	we.Code, we.Message = codeFor(we.Message)
	b, err := json.Marshal(we)
	if err != nil {
		return msg
	}
	m["error"] = b
	out, err := json.Marshal(m)
	if err != nil {
		return msg
	}
	return out
}

// codeFor picks the code for an uncoded SDK error by its message.
func codeFor(msg string) (int64, string) {
	switch {
	case strings.Contains(msg, "invalid during session initialization"):
		return jsonrpc.CodeInvalidRequest, msg + `: send "initialize" first, then "notifications/initialized"`
	case strings.HasPrefix(msg, "handling '"):
		// The SDK could not decode the method's params.
		return jsonrpc.CodeInvalidParams, msg
	}
	return jsonrpc.CodeInternalError, msg
}
