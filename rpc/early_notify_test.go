package rpc

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestNotificationBeforeFirstMessageUsesThePeersFraming: a notification the
// daemon sends to a client that has not spoken yet used to go out with
// Content-Length headers (the framing was still unknown), and a
// line-framed client, reading headers where it expects a JSON line, never
// got its replies. It is now held until the client's first bytes tell the
// framing, then sent in it, before the reply.
func TestNotificationBeforeFirstMessageUsesThePeersFraming(t *testing.T) {
	for _, framing := range []string{"line", "header"} {
		t.Run(framing, func(t *testing.T) {
			ts := startServer(t, Options{})
			c, r := ts.raw(t)
			// The server knows the connection once a session exists.
			deadline := time.Now().Add(30 * time.Second)
			for len(ts.Sessions()) == 0 {
				if time.Now().After(deadline) {
					t.Fatal("no session")
				}
				time.Sleep(5 * time.Millisecond)
			}
			ts.Broadcast(context.Background(), "test/early", func(*Session) any { return map[string]int{"n": 1} })
			req := `{"jsonrpc":"2.0","id":1,"method":"daemon/status"}`
			if framing == "line" {
				fmt.Fprintln(c, req)
			} else {
				fmt.Fprintf(c, "Content-Length: %d\r\n\r\n%s", len(req), req)
			}
			for _, want := range []string{`"method":"test/early"`, `"id":1`} {
				var msg string
				if framing == "line" {
					line, err := r.ReadString('\n')
					if err != nil {
						t.Fatalf("read: %v", err)
					}
					if strings.HasPrefix(line, "Content-Length") {
						t.Fatalf("a line-framed client got headers: %q", line)
					}
					msg = line
				} else {
					var n int
					if _, err := fmt.Fscanf(r, "Content-Length: %d\r\n\r\n", &n); err != nil {
						t.Fatalf("read header: %v", err)
					}
					b := make([]byte, n)
					if _, err := r.Read(b); err != nil {
						t.Fatal(err)
					}
					msg = string(b)
				}
				if !strings.Contains(msg, want) {
					t.Fatalf("want %s first, got %q", want, msg)
				}
			}
		})
	}
}
