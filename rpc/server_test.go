package rpc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/konnectd/konnectd/internal/logging"
	"github.com/konnectd/konnectd/internal/safesocket"
)

// testServer runs a Server on a real Unix socket in a private temp dir.
type testServer struct {
	*Server
	path string
	logs *syncBuffer
	stop context.CancelFunc
	done chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startServer(t testing.TB, o Options, families ...[]Method) *testServer {
	t.Helper()
	logs := &syncBuffer{}
	o.Logger = logging.New(logs, slog.LevelDebug)
	if o.Version == "" {
		o.Version = "test"
	}
	srv := NewServer(o, families...)
	path := filepath.Join(t.TempDir(), "s", "d.sock") // "s" is made 0700 by Listen
	l, err := safesocket.Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{Server: srv, path: path, logs: logs, stop: cancel, done: make(chan error, 1)}
	go func() { ts.done <- srv.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-ts.done:
		case <-time.After(30 * time.Second):
			t.Error("server did not stop")
		}
	})
	return ts
}

func (ts *testServer) dial(t *testing.T) *Client {
	t.Helper()
	c, err := Dial(context.Background(), ts.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// raw opens a plain socket connection for byte-level tests.
func (ts *testServer) raw(t *testing.T) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("unix", ts.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(30 * time.Second))
	return c, bufio.NewReader(c)
}

type reply struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int64           `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	} `json:"error"`
}

func readLineReply(t *testing.T, r *bufio.Reader) reply {
	t.Helper()
	line, err := r.ReadBytes('\n')
	if err != nil {
		t.Fatalf("read reply: %v", err)
	}
	var rep reply
	if err := json.Unmarshal(line, &rep); err != nil {
		t.Fatalf("reply %q: %v", line, err)
	}
	return rep
}

func wantCode(t *testing.T, rep reply, code int64, msgPart string) {
	t.Helper()
	if rep.Error == nil {
		t.Fatalf("want error %d, got result %s", code, rep.Result)
	}
	if rep.Error.Code != code || !strings.Contains(rep.Error.Message, msgPart) {
		t.Fatalf("want error %d containing %q, got %d %q", code, msgPart, rep.Error.Code, rep.Error.Message)
	}
}

type echoParams struct {
	Text  string `json:"text"`
	Count int    `json:"count,omitempty"`
}

func (p *echoParams) Validate() error {
	if p.Text == "" {
		return InvalidParams(`field "text" is required`)
	}
	return nil
}

// testMethods: echo, a method that blocks until cancelled, and one that panics.
func testMethods(started chan<- string, cancelled *atomic.Int32) []Method {
	return []Method{
		Func("test/echo", func(ctx context.Context, p *echoParams) (string, error) { return p.Text, nil }),
		Func("test/block", func(ctx context.Context, p *echoParams) (string, error) {
			if started != nil {
				started <- p.Text
			}
			<-ctx.Done()
			cancelled.Add(1)
			return "", ctx.Err()
		}),
		Func("test/panic", func(ctx context.Context, _ *NoParams) (any, error) {
			panic("boom with kpat_leakedsecret123")
		}),
		Func("test/fail", func(ctx context.Context, _ *NoParams) (any, error) {
			return nil, errors.New("upstream said no to spat_leakedsecret456")
		}),
	}
}

func TestMalformedMessagesKeepConnection(t *testing.T) {
	ts := startServer(t, Options{}, testMethods(nil, new(atomic.Int32)))
	c, r := ts.raw(t)
	cases := []struct {
		send string
		code int64
		msg  string
		id   string
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"daemon/status"`, CodeParseError, "parse error", "null"},
		{`not json at all`, CodeParseError, "parse error", "null"},
		{`[{"jsonrpc":"2.0","id":1,"method":"daemon/status"}]`, CodeInvalidRequest, "batch", "null"},
		{`"just a string"`, CodeInvalidRequest, "JSON object", "null"},
		{`{"id":7,"method":"daemon/status"}`, CodeInvalidRequest, `"jsonrpc" must be "2.0"`, "7"},
		{`{"jsonrpc":"2.0","id":{"x":1},"method":"daemon/status"}`, CodeInvalidRequest, `"id" must be`, "null"},
		{`{"jsonrpc":"2.0","id":8,"method":42}`, CodeInvalidRequest, `"method" must be a string`, "8"},
		{`{"jsonrpc":"2.0","id":9}`, CodeInvalidRequest, `needs "method"`, "9"},
		{`{"jsonrpc":"2.0","id":10,"method":"test/echo","params":"x"}`, CodeInvalidRequest, `"params" must be`, "10"},
		{`{"jsonrpc":"2.0","id":11,"method":"no/such"}`, CodeMethodNotFound, `method not found: "no/such"`, "11"},
		{`{"jsonrpc":"2.0","id":12,"method":"test/echo","params":{"txt":"a"}}`, CodeInvalidParams, `unknown field "txt"`, "12"},
		{`{"jsonrpc":"2.0","id":13,"method":"test/echo","params":{"text":5}}`, CodeInvalidParams, `field "text" must be a string`, "13"},
		{`{"jsonrpc":"2.0","id":14,"method":"test/echo","params":{}}`, CodeInvalidParams, `field "text" is required`, "14"},
		{`{"jsonrpc":"2.0","id":15,"method":"test/echo","params":[1]}`, CodeInvalidParams, `object`, "15"},
	}
	for _, tc := range cases {
		fmt.Fprintf(c, "%s\n", tc.send)
		rep := readLineReply(t, r)
		wantCode(t, rep, tc.code, tc.msg)
		if string(rep.ID) != tc.id {
			t.Errorf("%s: reply id %s, want %s", tc.send, rep.ID, tc.id)
		}
	}
	// And the connection still works.
	fmt.Fprintf(c, "%s\n", `{"jsonrpc":"2.0","id":"last","method":"test/echo","params":{"text":"alive"}}`)
	if rep := readLineReply(t, r); string(rep.Result) != `"alive"` {
		t.Fatalf("connection did not survive: %+v", rep)
	}
}

func TestOversizedMessageSkippedWithoutBuffering(t *testing.T) {
	ts := startServer(t, Options{MaxMessage: 1024}, testMethods(nil, new(atomic.Int32)))
	t.Run("ndjson", func(t *testing.T) {
		c, r := ts.raw(t)
		big := `{"jsonrpc":"2.0","id":1,"method":"test/echo","params":{"text":"` + strings.Repeat("x", 200_000) + `"}}`
		go fmt.Fprintf(c, "%s\n%s\n", big, `{"jsonrpc":"2.0","id":2,"method":"test/echo","params":{"text":"small"}}`)
		wantCode(t, readLineReply(t, r), CodeInvalidRequest, "exceeds the limit of 1024 bytes")
		if rep := readLineReply(t, r); string(rep.Result) != `"small"` {
			t.Fatalf("next message lost: %+v", rep)
		}
	})
	t.Run("content-length", func(t *testing.T) {
		c, r := ts.raw(t)
		body := strings.Repeat(" ", 100_000) + `{}`
		small := `{"jsonrpc":"2.0","id":2,"method":"test/echo","params":{"text":"small"}}`
		go fmt.Fprintf(c, "Content-Length: %d\r\n\r\n%sContent-Length: %d\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n%s", len(body), body, len(small), small)
		rep := readHeaderReply(t, r)
		wantCode(t, rep, CodeInvalidRequest, "exceeds the limit")
		if rep := readHeaderReply(t, r); string(rep.Result) != `"small"` {
			t.Fatalf("next message lost: %+v", rep)
		}
	})
}

func readHeaderReply(t *testing.T, r *bufio.Reader) reply {
	t.Helper()
	var n int
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("read header: %v", err)
		}
		line = strings.TrimSpace(line)
		if line == "" {
			break
		}
		if _, err := fmt.Sscanf(line, "Content-Length: %d", &n); err != nil {
			t.Fatalf("unexpected header %q", line)
		}
	}
	body := make([]byte, n)
	if _, err := ioReadFull(r, body); err != nil {
		t.Fatal(err)
	}
	var rep reply
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatalf("reply %q: %v", body, err)
	}
	return rep
}

func TestFramingAnsweredInKind(t *testing.T) {
	ts := startServer(t, Options{})
	c, r := ts.raw(t)
	msg := `{"jsonrpc":"2.0","id":1,"method":"daemon/status"}`
	fmt.Fprintf(c, "Content-Length: %d\r\n\r\n%s", len(msg), msg)
	rep := readHeaderReply(t, r)
	var st Status
	if err := json.Unmarshal(rep.Result, &st); err != nil || st.Version != "test" || st.Connections != 1 || st.Socket != ts.path {
		t.Fatalf("status %s (%v)", rep.Result, err)
	}
}

func TestCancelRequest(t *testing.T) {
	started := make(chan string, 1)
	var cancelled atomic.Int32
	ts := startServer(t, Options{}, testMethods(started, &cancelled))
	c, r := ts.raw(t)
	fmt.Fprintln(c, `{"jsonrpc":"2.0","id":"slow","method":"test/block","params":{"text":"a"}}`)
	<-started
	// A slow request does not hold up others on the same connection...
	fmt.Fprintln(c, `{"jsonrpc":"2.0","id":"quick","method":"test/echo","params":{"text":"b"}}`)
	if rep := readLineReply(t, r); string(rep.ID) != `"quick"` {
		t.Fatalf("quick request waited behind the slow one: %+v", rep)
	}
	// ...nor $/cancelRequest, and the cancelled request still gets a reply.
	fmt.Fprintln(c, `{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"slow"}}`)
	rep := readLineReply(t, r)
	if string(rep.ID) != `"slow"` {
		t.Fatalf("reply to %s", rep.ID)
	}
	wantCode(t, rep, CodeRequestCancelled, "cancelled")
	if cancelled.Load() != 1 {
		t.Fatal("handler did not see the cancellation")
	}
}

func TestDisconnectCancelsInflight(t *testing.T) {
	started := make(chan string, 3)
	var cancelled atomic.Int32
	ts := startServer(t, Options{}, testMethods(started, &cancelled))
	c, _ := ts.raw(t)
	for i := range 3 {
		fmt.Fprintf(c, `{"jsonrpc":"2.0","id":%d,"method":"test/block","params":{"text":"x"}}`+"\n", i)
	}
	for range 3 {
		<-started
	}
	c.Close()
	deadline := time.Now().Add(20 * time.Second)
	for cancelled.Load() != 3 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of 3 requests cancelled after disconnect", cancelled.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPanicAndErrorsCarryNoSecret(t *testing.T) {
	ts := startServer(t, Options{}, testMethods(nil, new(atomic.Int32)))
	c := ts.dial(t)
	err := c.Call(context.Background(), "test/panic", nil, nil)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInternalError || !strings.Contains(e.Message, "test/panic failed unexpectedly") {
		t.Fatalf("panic reply: %v", err)
	}
	err = c.Call(context.Background(), "test/fail", nil, nil)
	if !errors.As(err, &e) || e.Code != CodeInternalError || strings.Contains(e.Message, "spat_leaked") || !strings.Contains(e.Message, "[REDACTED]") {
		t.Fatalf("error reply: %v", err)
	}
	// The daemon is still serving.
	if err := c.Call(context.Background(), "daemon/status", nil, nil); err != nil {
		t.Fatal(err)
	}
	logs := ts.logs.String()
	if strings.Contains(logs, "kpat_leakedsecret123") || strings.Contains(logs, "spat_leakedsecret456") {
		t.Fatal("log leaks a secret")
	}
	if !strings.Contains(logs, "handler panic") {
		t.Fatal("panic not logged")
	}
}

func TestOrderedMethodRunsAlone(t *testing.T) {
	var mu sync.Mutex
	var events []string
	note := func(s string) { mu.Lock(); events = append(events, s); mu.Unlock() }
	methods := []Method{
		Func("test/ordered", func(ctx context.Context, _ *NoParams) (any, error) {
			note("ordered-start")
			time.Sleep(50 * time.Millisecond)
			note("ordered-end")
			return nil, nil
		}).AsOrdered(),
		Func("test/after", func(ctx context.Context, _ *NoParams) (any, error) { note("after"); return nil, nil }),
	}
	ts := startServer(t, Options{}, methods)
	c, r := ts.raw(t)
	fmt.Fprintln(c, `{"jsonrpc":"2.0","id":1,"method":"test/ordered"}`)
	fmt.Fprintln(c, `{"jsonrpc":"2.0","id":2,"method":"test/after"}`)
	readLineReply(t, r)
	readLineReply(t, r)
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(events, ",") != "ordered-start,ordered-end,after" {
		t.Fatalf("events %v", events)
	}
}

func TestInitializeAndShutdown(t *testing.T) {
	ts := startServer(t, Options{}, testMethods(nil, new(atomic.Int32)))
	c := ts.dial(t)
	var init InitializeResult
	err := c.Call(context.Background(), "initialize", InitializeParams{
		ClientInfo: &ClientInfo{Name: "tester"}, Profile: "team-a",
		Env: map[string]string{"KONGCTL_TEAM_A_OUTPUT": "json", "HOME": "/nope"},
	}, &init)
	if err != nil {
		t.Fatal(err)
	}
	if init.ServerInfo.Name != "konnectd" || !contains(init.Methods, "test/echo") || !contains(init.Methods, "$/cancelRequest") {
		t.Fatalf("initialize result %+v", init)
	}
	sessions := ts.Sessions()
	if len(sessions) != 1 || sessions[0].ClientName() != "tester" || sessions[0].DefaultProfile() != "team-a" {
		t.Fatalf("session not recorded")
	}
	if env := sessions[0].Env(); env["KONGCTL_TEAM_A_OUTPUT"] != "json" || env["HOME"] != "" {
		t.Fatalf("env %v", env)
	}
	if err := c.Call(context.Background(), "shutdown", nil, nil); err != nil {
		t.Fatal(err)
	}
	var e *Error
	if err := c.Call(context.Background(), "test/echo", echoParams{Text: "x"}, nil); !errors.As(err, &e) || e.Code != CodeShuttingDown {
		t.Fatalf("after shutdown: %v", err)
	}
	c.Notify(context.Background(), "exit", nil)
	select {
	case <-c.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("exit did not close the connection")
	}
}

func TestIdleTimeoutEndsServe(t *testing.T) {
	ts := startServer(t, Options{IdleTimeout: 100 * time.Millisecond})
	c := ts.dial(t)
	// While a client is connected the server stays up, however long.
	time.Sleep(300 * time.Millisecond)
	if err := c.Call(context.Background(), "daemon/status", nil, nil); err != nil {
		t.Fatalf("server stopped with a client connected: %v", err)
	}
	c.Close()
	select {
	case err := <-ts.done:
		if err != nil {
			t.Fatal(err)
		}
		ts.done <- nil // for Cleanup
	case <-time.After(20 * time.Second):
		t.Fatal("idle server did not stop")
	}
}

func TestManyClientsConcurrently(t *testing.T) {
	ts := startServer(t, Options{}, testMethods(nil, new(atomic.Int32)))
	const clients, requests = 20, 50
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := Dial(context.Background(), ts.path, nil)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			for j := range requests {
				want := fmt.Sprintf("c%d-r%d", i, j)
				var got string
				if err := c.Call(context.Background(), "test/echo", echoParams{Text: want}, &got); err != nil || got != want {
					errs <- fmt.Errorf("client %d request %d: %q, %v", i, j, got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestPerConnectionBoundAndOtherClients: at most MaxActive requests of one
// connection run at once, the rest wait their turn, and a saturated
// connection holds up neither its own $/cancelRequest nor other clients.
func TestPerConnectionBoundAndOtherClients(t *testing.T) {
	started := make(chan string, 3)
	var cancelled atomic.Int32
	ts := startServer(t, Options{MaxActive: 2}, testMethods(started, &cancelled))
	c, r := ts.raw(t)
	for _, id := range []string{"a", "b", "c"} {
		fmt.Fprintf(c, `{"jsonrpc":"2.0","id":%q,"method":"test/block","params":{"text":%q}}`+"\n", id, id)
	}
	got := map[string]bool{<-started: true, <-started: true}
	if !got["a"] || !got["b"] {
		t.Fatalf("first two to start: %v", got)
	}
	// A bound that leaked would let "c" start at once; this wait only
	// gives a broken server the chance to show it.
	select {
	case id := <-started:
		t.Fatalf("%q started beyond the bound of 2", id)
	case <-time.After(200 * time.Millisecond):
	}
	// Another client is served while this connection is saturated.
	var st Status
	if err := ts.dial(t).Call(context.Background(), "daemon/status", nil, &st); err != nil || st.Connections != 2 {
		t.Fatalf("other client: %+v, %v", st, err)
	}
	// Cancelling one frees its slot for "c".
	fmt.Fprintln(c, `{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"a"}}`)
	rep := readLineReply(t, r)
	if string(rep.ID) != `"a"` {
		t.Fatalf("reply to %s, want a", rep.ID)
	}
	wantCode(t, rep, CodeRequestCancelled, "cancelled")
	if id := <-started; id != "c" {
		t.Fatalf("started %q, want c", id)
	}
}

// TestDaemonStopOnlyWhenOwned: daemon/stop exists only when the program
// that runs the server said how to stop it, and then calls that and
// answers with the daemon's pid.
func TestDaemonStopOnlyWhenOwned(t *testing.T) {
	ts := startServer(t, Options{})
	err := ts.dial(t).Call(context.Background(), "daemon/stop", nil, nil)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeMethodNotFound {
		t.Fatalf("daemon/stop without Options.Stop: %v", err)
	}

	stopped := make(chan struct{})
	ts = startServer(t, Options{Stop: func() { close(stopped) }})
	var res StopResult
	if err := ts.dial(t).Call(context.Background(), "daemon/stop", nil, &res); err != nil {
		t.Fatal(err)
	}
	select {
	case <-stopped:
	default:
		t.Fatal("daemon/stop answered without calling Options.Stop")
	}
	if res.PID != os.Getpid() {
		t.Fatalf("pid = %d, want %d", res.PID, os.Getpid())
	}
}

// TestIdleTimeoutZeroNeverEnds: IdleTimeout 0 means no idle limit, not an
// immediate one. "Never" cannot be waited out; this checks that a server
// with no client outlives a connect-and-leave by clearly longer than the
// 100 ms limit of the test above, and that no idle timer was armed.
func TestIdleTimeoutZeroNeverEnds(t *testing.T) {
	ts := startServer(t, Options{IdleTimeout: 0})
	ts.dial(t).Close()
	select {
	case err := <-ts.done:
		ts.done <- err // for Cleanup
		t.Fatalf("server with IdleTimeout 0 stopped: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	ts.mu.Lock()
	armed := ts.idleTimer != nil
	ts.mu.Unlock()
	if armed {
		t.Fatal("IdleTimeout 0 armed an idle timer")
	}
	if err := ts.dial(t).Call(context.Background(), "daemon/status", nil, nil); err != nil {
		t.Fatalf("server with IdleTimeout 0 after idling: %v", err)
	}
}
