package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/internal/safesocket"
)

// Client is a JSON-RPC connection to a daemon, as konnectd's own CLI verbs
// and the tests use it. It speaks newline-delimited JSON.
type Client struct {
	conn    *jsonrpc2.Conn
	nextID  atomic.Uint64
	results *resultStash
	params  *paramsStash
	// refused is the reason a daemon gave before closing the connection
	// (an error response with a null id, see refuse.go), so a call that
	// fails because the connection closed says why instead of
	// "jsonrpc2: connection is closed".
	refused atomic.Pointer[Error]
}

// clientMaxMessage bounds a reply the client will accept: large listings
// (10,000 users) are a few MiB; this leaves room without being unbounded.
const clientMaxMessage = 256 << 20

// cancelGrace is how long Call waits for the -32800 reply after sending
// $/cancelRequest before it gives up on the request.
const cancelGrace = 2 * time.Second

// Notification handlers receive server-to-client notifications
// ($/progress, profile/didChange).
type NotificationHandler func(method string, params json.RawMessage)

// NewClient speaks JSON-RPC over an established connection.
func NewClient(c net.Conn, framing Framing, onNotify NotificationHandler) *Client {
	if framing == FramingAuto {
		framing = FramingLine
	}
	st := newStream(c, framing, clientMaxMessage)
	st.results = newResultStash()
	st.out = newParamsStash()
	h := jsonrpc2.HandlerWithError(func(ctx context.Context, _ *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
		if onNotify != nil && req.Notif {
			var p json.RawMessage
			if req.Params != nil {
				p = *req.Params
			}
			onNotify(req.Method, p)
		}
		return nil, nil
	})
	cl := &Client{results: st.results, params: st.out}
	cl.conn = jsonrpc2.NewConn(context.Background(), st, h, jsonrpc2.SetLogger(discardLogger{}),
		jsonrpc2.OnRecv(cl.noteRefusal))
	return cl
}

// noteRefusal keeps an error response that answers no request: jsonrpc2
// reads a null id as 0, which this client never uses (ids start at 1).
func (c *Client) noteRefusal(req *jsonrpc2.Request, resp *jsonrpc2.Response) {
	if req == nil && resp != nil && resp.Error != nil && resp.ID == (jsonrpc2.ID{}) {
		c.refused.CompareAndSwap(nil, &Error{Code: resp.Error.Code, Message: resp.Error.Message})
	}
}

// whyClosed returns the daemon's reason for closing the connection in
// place of err, a transport failure, when it gave one. The reason is read
// before the end of the stream, so it is known once the connection is
// down; a failed write may be seen first, hence the short wait.
func (c *Client) whyClosed(err error) error {
	if _, ok := err.(*jsonrpc2.Error); ok {
		return err
	}
	select {
	case <-c.conn.DisconnectNotify():
	case <-time.After(500 * time.Millisecond):
	}
	if r := c.refused.Load(); r != nil {
		return r
	}
	return err
}

// Dial connects to the daemon's socket through safesocket.Dial, which
// refuses (errors.Is(err, safesocket.ErrUntrusted)) a socket in a
// directory that is not private to the current user or served by another
// user, before anything is sent.
func Dial(ctx context.Context, path string, onNotify NotificationHandler) (*Client, error) {
	c, err := safesocket.Dial(ctx, path)
	if err != nil {
		return nil, err
	}
	return NewClient(c, FramingLine, onNotify), nil
}

// Call sends a request and decodes the result into result (which may be
// nil, or a *json.RawMessage). A JSON-RPC error comes back as *Error.
// Cancelling ctx sends $/cancelRequest and still waits briefly (cancelGrace)
// for the daemon's -32800 reply, then returns an error wrapping ctx's cause.
func (c *Client) Call(ctx context.Context, method string, params, result any) error {
	// The client picks ids itself so it knows which one to cancel.
	id := jsonrpc2.ID{Num: c.nextID.Add(1)}
	// The params are marshalled once, here, and reach the wire through
	// c.params (see paramsStash); jsonrpc2 sends the request without them.
	if params != nil {
		body, err := marshalParams(params)
		if err != nil {
			return err
		}
		redact.RegisterFound(body) // auth/login's token, say: masked in this process too
		c.params.put(id, body)
	}
	w, err := c.conn.DispatchCall(context.Background(), method, nil, jsonrpc2.PickID(id))
	if err != nil {
		c.params.drop(id)
		return c.whyClosed(err)
	}
	done := make(chan error, 1)
	// The result itself arrives through c.results (see resultStash); the
	// response jsonrpc2 sees carries null.
	var ignored json.RawMessage
	go func() { done <- w.Wait(context.Background(), &ignored) }()
	select {
	case err = <-done:
	case <-ctx.Done():
		_ = c.conn.Notify(context.Background(), "$/cancelRequest", map[string]any{"id": id})
		// The daemon answers a cancelled request with -32800 at once when
		// it can; one that does not answer (a wedged method, an old
		// daemon) must not keep the caller past its own deadline.
		select {
		case err = <-done:
		case <-time.After(cancelGrace):
			// A reply that still comes is kept in c.results until the
			// connection is closed: a small leak, for a caller that gave up.
			return fmt.Errorf("%s: no reply after cancelling: %w", method, context.Cause(ctx))
		}
	}
	raw, ok := c.results.take(id)
	if err != nil {
		err = fromWire(c.whyClosed(err))
		if e, ok := err.(*Error); ok {
			if d, ok := e.Data.(json.RawMessage); ok {
				redact.RegisterFound(d) // a -32011's created token
			}
		}
		return err
	}
	if !ok {
		raw = ignored
	}
	// A token the daemon hands over is registered here, in the client's
	// process, so the client's own --jq errors and stderr mask it too.
	redact.RegisterFound(raw)
	if result == nil {
		return nil
	}
	return json.Unmarshal(raw, result)
}

// Notify sends a notification.
func (c *Client) Notify(ctx context.Context, method string, params any) error {
	return c.conn.Notify(ctx, method, params)
}

// Close hangs up. The daemon cancels whatever this client still had running.
func (c *Client) Close() error { return c.conn.Close() }

// Done is closed when the connection ends.
func (c *Client) Done() <-chan struct{} { return c.conn.DisconnectNotify() }

func fromWire(err error) error {
	we, ok := err.(*jsonrpc2.Error)
	if !ok {
		return err
	}
	e := &Error{Code: we.Code, Message: we.Message}
	if we.Data != nil {
		e.Data = *we.Data
	}
	return e
}

// marshalParams is json.Marshal(params), byte for byte, without its
// compaction copy when params is raw JSON that is already compact.
// json.Marshal runs a json.RawMessage through encoding/json's compaction,
// which validates, drops whitespace (line framing needs the newlines out)
// and escapes <, >, & and U+2028/U+2029; on jq/eval's 1 MiB input that
// was about 13 ms, where json.Valid and one byte loop take about 5. Raw
// JSON that compaction would change goes through json.Marshal as before.
// The result may be the caller's own bytes; Call is done with them when it
// returns, as it is with everything else it is given.
func marshalParams(params any) ([]byte, error) {
	var raw []byte
	switch p := params.(type) {
	case json.RawMessage:
		raw = p
	case *json.RawMessage:
		if p != nil {
			raw = *p
		}
	}
	if len(raw) > 0 && compactAsMarshalled(raw) && json.Valid(raw) {
		return raw, nil
	}
	return json.Marshal(params)
}

// compactAsMarshalled reports whether json.Marshal's compaction would
// leave b as it is, given b is valid JSON: nothing it escapes (<, >, &,
// U+2028, U+2029) and no whitespace outside strings (inside them, valid
// JSON only has raw spaces). The loop skips ordinary bytes through a
// table; on invalid JSON its answer does not matter, json.Valid decides.
func compactAsMarshalled(b []byte) bool {
	inString := false
	for i := 0; i < len(b); i++ {
		for i < len(b) && !compactSpecial[b[i]] {
			i++
		}
		if i == len(b) {
			break
		}
		switch b[i] {
		case '<', '>', '&', '\t', '\n', '\r':
			return false
		case 0xE2: // U+2028 and U+2029 are E2 80 A8 and E2 80 A9
			if i+2 < len(b) && b[i+1] == 0x80 && b[i+2]&^1 == 0xA8 {
				return false
			}
		case ' ':
			if !inString {
				return false
			}
		case '\\':
			if inString {
				i++ // the escaped byte cannot end the string
			}
		case '"':
			inString = !inString
		}
	}
	return true
}

// compactSpecial marks the bytes compactAsMarshalled must look at.
var compactSpecial = func() (t [256]bool) {
	for _, c := range []byte("<>&\t\n\r \\\"\xe2") {
		t[c] = true
	}
	return t
}()
