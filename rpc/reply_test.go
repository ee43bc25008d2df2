package rpc

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// TestOnReplyFailedRunsWhenTheReplyCannotBeWritten: a client that sends a
// request and then shuts its reading side makes the reply's write fail;
// the hook the method registered runs, for a result and for an error
// reply alike. A reply that is delivered runs nothing.
func TestOnReplyFailedRunsWhenTheReplyCannotBeWritten(t *testing.T) {
	ran := make(chan string, 4)
	release := make(chan struct{})
	method := func(name string, fail bool) Method {
		return Func(name, func(ctx context.Context, _ *NoParams) (any, error) {
			OnReplyFailed(ctx, func() { ran <- name })
			<-release // the client has shut its reading side by now
			if fail {
				return nil, errors.New("boom")
			}
			return map[string]string{"secret": "would be lost"}, nil
		})
	}
	ts := startServer(t, Options{}, []Method{method("t/result", false), method("t/error", true)})

	for _, name := range []string{"t/result", "t/error"} {
		c, err := net.Dial("unix", ts.path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write([]byte(`{"jsonrpc":"2.0","id":1,"method":"` + name + `"}` + "\n")); err != nil {
			t.Fatal(err)
		}
		if err := c.(*net.UnixConn).CloseRead(); err != nil {
			t.Fatal(err)
		}
		release <- struct{}{}
		select {
		case got := <-ran:
			if got != name {
				t.Fatalf("hook of %s ran for %s", got, name)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: the reply could not be written, and the hook did not run", name)
		}
		c.Close()
	}

	// Delivered: no hook. The client reads the reply only after the
	// server's write succeeded, and a hook runs only when it fails.
	c := ts.dial(t)
	go func() { release <- struct{}{} }()
	var out map[string]string
	if err := c.Call(context.Background(), "t/result", nil, &out); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-ran:
		t.Fatalf("the hook of %s ran although the reply was delivered", got)
	default:
	}
}
