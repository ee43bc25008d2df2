package mcp

import (
	"bytes"
	"strings"
	"testing"
)

// An uncoded error gets a code whether its line arrives in one write, in
// pieces, or inside a batch; every other line passes through untouched.
func TestErrorCodes(t *testing.T) {
	early := `{"jsonrpc":"2.0","id":0,"error":{"code":0,"message":"method \"tools/list\" is invalid during session initialization"}}` + "\n"
	ok := `{"jsonrpc":"2.0","id":1,"result":{"code":0}}` + "\n"
	var out bytes.Buffer
	w := &errorCodes{w: &out}
	for _, piece := range []string{early[:10], early[10:], ok} {
		if n, err := w.Write([]byte(piece)); err != nil || n != len(piece) {
			t.Fatalf("write: %d %v", n, err)
		}
	}
	lines := strings.SplitAfter(out.String(), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], `"code":-32600`) || !strings.Contains(lines[0], `"id":0`) || lines[1] != ok {
		t.Fatalf("got %q", out.String())
	}
	batch := `[{"jsonrpc":"2.0","id":2,"error":{"code":0,"message":"handling 'tools/call': bad"}},{"jsonrpc":"2.0","id":3,"error":{"code":-32601,"message":"x"}}]` + "\n"
	got := string(fixErrorCodes([]byte(batch)))
	if !strings.Contains(got, `"code":-32602`) || !strings.Contains(got, `"code":-32601`) || strings.Contains(got, `"code":0`) {
		t.Fatalf("batch: %s", got)
	}
}
