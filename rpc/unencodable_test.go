package rpc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

type noParams struct{}

// TestUnencodableResultStillReplies: a result encoding/json refuses (jq's
// infinite was one) used to be dropped with a debug line, so the request
// never got its reply (issue 19 item 6).
func TestUnencodableResultStillReplies(t *testing.T) {
	ts := startServer(t, Options{}, []Method{
		Func("test/inf", func(context.Context, *noParams) (any, error) { return math.Inf(1), nil }),
	})
	c, r := ts.raw(t)
	fmt.Fprintln(c, `{"jsonrpc":"2.0","id":7,"method":"test/inf"}`)
	rep := readLineReply(t, r)
	if string(rep.ID) != "7" {
		t.Fatalf("reply to %s", rep.ID)
	}
	wantCode(t, rep, CodeInternalError, "could not be encoded")
	if !strings.Contains(ts.logs.String(), "result cannot be encoded") {
		t.Errorf("nothing logged:\n%s", ts.logs.String())
	}
}

// TestCallEndsAtDeadlineWithoutReply: a method that never answers, not even
// to $/cancelRequest, used to keep Client.Call (and so konnectd call
// --timeout) waiting for ever.
func TestCallEndsAtDeadlineWithoutReply(t *testing.T) {
	release := make(chan struct{})
	ts := startServer(t, Options{}, []Method{
		Func("test/deaf", func(context.Context, *noParams) (any, error) {
			<-release // ignores its context on purpose
			return "late", nil
		}),
	})
	t.Cleanup(func() { close(release) }) // before the server's cleanup waits for it
	c := ts.dial(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- c.Call(ctx, "test/deaf", nil, nil) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Call = %v, want a deadline error", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Call did not return after its deadline")
	}
}
