package rpc

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/konnectd/konnectd/internal/logging"
	"github.com/konnectd/konnectd/internal/safesocket"
)

// refusedPair accepts one connection on a real socket and hands the
// daemon's end to refuse, the way Serve does for another user's peer; it
// returns the client's end.
func refusedPair(t *testing.T, r *refusals, cred safesocket.Cred) net.Conn {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	sc, err := l.AcceptUnix()
	if err != nil {
		t.Fatal(err)
	}
	r.refuse(sc, cred, safesocket.CheckPeer(cred, 0))
	return c
}

// TestRefusedClientSeesReason: a client the daemon refuses reads why, and
// rpc.Client reports that instead of "jsonrpc2: connection is closed".
func TestRefusedClientSeesReason(t *testing.T) {
	r := newRefusals(slog.New(slog.DiscardHandler))
	c := NewClient(refusedPair(t, r, safesocket.Cred{UID: 4242, PID: 7}), FramingLine, nil)
	defer c.Close()
	err := c.Call(context.Background(), "daemon/status", nil, nil)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeRefused ||
		e.Message != "konnectd refused this connection: peer uid 4242 is not the daemon's uid 0; only the user the daemon runs as may use it" {
		t.Fatalf("refused call: %v", err)
	}
}

// TestRefusedLogThrottled: a burst of refusals from one uid is one line
// at once, then one line with the count when the interval ends (flush is
// what the interval's timer calls; the test calls it itself rather than
// wait for a clock), not a line each.
func TestRefusedLogThrottled(t *testing.T) {
	logs := &syncBuffer{}
	r := newRefusals(logging.New(logs, slog.LevelDebug))
	r.interval = time.Hour
	const n = 500
	for i := range n {
		refusedPair(t, r, safesocket.Cred{UID: 4242, PID: 100 + i})
	}
	refusedPair(t, r, safesocket.Cred{UID: 4343, PID: 1})
	r.flush(4242)
	r.flush(4343)
	out := logs.String()
	if got := strings.Count(out, "\n"); got != 3 ||
		strings.Count(out, `msg="refused connection"`) != 2 || !strings.Contains(out, "peer_uid=4343 peer_pid=1") ||
		!strings.Contains(out, `msg="refused more connections" peer_uid=4242 count=499 last_peer_pid=599`) {
		t.Fatalf("%d refusals from one uid and 1 from another gave:\n%s", n, out)
	}
	// A quiet interval closes the window: the next refusal is logged at once.
	r.flush(4242)
	refusedPair(t, r, safesocket.Cred{UID: 4242, PID: 9})
	if got := strings.Count(logs.String(), `msg="refused connection"`); got != 3 {
		t.Fatalf("after a quiet interval:\n%s", logs.String())
	}
}
