package jq

import (
	"bufio"
	"bytes"
	"errors"
	"testing"
)

// TestWireRoundTrip: requests and both kinds of response survive the pipe.
func TestWireRoundTrip(t *testing.T) {
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	if err := writeRequest(w, wireRequest{flags: wireRaw | wireChecked, expr: ".a", input: []byte(`{"a":1}`)}); err != nil {
		t.Fatal(err)
	}
	q, err := readRequest(bufio.NewReader(&b), 100, 100)
	if err != nil || q.flags != wireRaw|wireChecked || q.expr != ".a" || string(q.input) != `{"a":1}` {
		t.Fatalf("request = %+v, %v", q, err)
	}
	b.Reset()
	writeResponse(w, []byte("[1]"), nil)
	writeResponse(w, nil, newError(ErrLimit, "jq output is too large"))
	r := bufio.NewReader(&b)
	if body, evalErr, err := readResponse(r, 100); string(body) != "[1]" || evalErr != nil || err != nil {
		t.Fatalf("ok response = %q, %v, %v", body, evalErr, err)
	}
	if _, evalErr, err := readResponse(r, 100); err != nil || !errors.Is(evalErr, ErrLimit) || evalErr.Error() != "jq output is too large" {
		t.Fatalf("error response = %v, %v", evalErr, err)
	}
}

// FuzzWireFrames: whatever a broken or hostile worker writes, the daemon's
// reader neither panics nor allocates past its caps.
func FuzzWireFrames(f *testing.F) {
	f.Add([]byte{0, 3, 0, 0, 0, 0, 0, 0, 0, '[', '1', ']'})
	f.Add([]byte{1, 4, 5, 0, 0, 0, 'b', 'o', 'o', 'm', '!'})
	f.Add([]byte{0, 255, 255, 255, 255, 255, 255, 255, 255})
	f.Add([]byte{1, 200, 0, 0, 0, 0})
	f.Add([]byte{7})
	f.Fuzz(func(t *testing.T, data []byte) {
		body, evalErr, err := readResponse(bufio.NewReader(bytes.NewReader(data)), 1<<10)
		if len(body) > 1<<10 {
			t.Fatalf("body of %d bytes past the cap", len(body))
		}
		if evalErr != nil {
			var je *Error
			if !errors.As(evalErr, &je) {
				t.Fatalf("untyped eval error %T", evalErr)
			}
		}
		_ = err
		q, _ := readRequest(bufio.NewReader(bytes.NewReader(data)), 64, 1<<10)
		if len(q.expr) > 64 || len(q.input) > 1<<10 {
			t.Fatalf("request past its caps: %d, %d", len(q.expr), len(q.input))
		}
	})
}
