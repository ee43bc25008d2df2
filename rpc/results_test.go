package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sourcegraph/jsonrpc2"
)

// captureConn is a connection that never sends and records what is
// written to it.
type captureConn struct {
	in  *io.PipeReader
	mu  sync.Mutex
	out bytes.Buffer
}

func newCaptureConn() *captureConn {
	r, _ := io.Pipe()
	return &captureConn{in: r}
}

func (c *captureConn) Read(b []byte) (int, error) { return c.in.Read(b) }
func (c *captureConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.Write(b)
}
func (c *captureConn) Close() error { return c.in.Close() }
func (c *captureConn) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.String()
}

// TestWriteResultWritesWhatReplyWrites holds the server's own reply writer
// to jsonrpc2's Conn.Reply byte for byte: ids of both kinds, HTML and line
// separator escaping, raw JSON that needs compacting, null, in both
// framings.
func TestWriteResultWritesWhatReplyWrites(t *testing.T) {
	results := []any{
		map[string]any{"text": "<a href='x'>&amp;</a> \u2028 é", "n": 1.5, "list": []int{1, 2}},
		json.RawMessage("{ \"a\" : [1, 2,\n 3], \"b\": \"<&>\" }"),
		struct {
			Data []json.RawMessage `json:"data"`
			N    int               `json:"n"`
		}{Data: []json.RawMessage{json.RawMessage(`{"name": "Tom & Jerry <tj>"}`), json.RawMessage(` 7 `)}, N: 2},
		nil,
		"plain",
	}
	ids := []jsonrpc2.ID{{Num: 7}, {Num: 0}, {Str: `x"y<`, IsString: true}}
	for _, framing := range []Framing{FramingLine, FramingHeader} {
		for _, id := range ids {
			for _, result := range results {
				viaReply := newCaptureConn()
				conn := jsonrpc2.NewConn(context.Background(), newStream(viaReply, framing, 0), nil)
				if err := conn.Reply(context.Background(), id, result); err != nil {
					t.Fatal(err)
				}
				conn.Close()
				direct := newCaptureConn()
				own := newStream(direct, framing, 0)
				conn = jsonrpc2.NewConn(context.Background(), own, nil)
				idJSON, _ := json.Marshal(id)
				if err := own.writeResult(conn, idJSON, result); err != nil {
					t.Fatal(err)
				}
				if direct.String() != viaReply.String() {
					t.Errorf("%v, %v:\nwriteResult wrote %q\nReply wrote       %q", id, result, direct.String(), viaReply.String())
				}
				conn.Close()
				if err := own.writeResult(conn, idJSON, result); err != jsonrpc2.ErrClosed {
					t.Errorf("writeResult on a closed connection: %v, want ErrClosed as Reply gives", err)
				}
			}
		}
	}
	// A result json cannot marshal fails, as Reply does, and writes nothing.
	c := newCaptureConn()
	st := newStream(c, FramingLine, 0)
	conn := jsonrpc2.NewConn(context.Background(), st, nil)
	defer conn.Close()
	if err := st.writeResult(conn, json.RawMessage("1"), func() {}); err == nil || c.String() != "" {
		t.Errorf("unmarshalable result: %v, wrote %q", err, c.String())
	}
}

// TestCallResultsPastJSONRPC checks Client.Call, whose results bypass
// jsonrpc2's decoding: a large result arrives exactly as the server sent
// it, a null result and an error reply behave as before, and nothing is
// left behind in the stash.
func TestCallResultsPastJSONRPC(t *testing.T) {
	big := strings.Repeat(`<"Tom" & Jerry> é `, 60000) // about 1 MB
	ts := startServer(t, Options{}, []Method{
		Func("test/big", func(ctx context.Context, _ *NoParams) (any, error) {
			return map[string]any{"text": big, "items": []json.RawMessage{json.RawMessage(`{"a": 1}`)}}, nil
		}),
		Func("test/null", func(ctx context.Context, _ *NoParams) (any, error) { return nil, nil }),
	}, testMethods(nil, new(atomic.Int32)))
	c := ts.dial(t)
	ctx := context.Background()

	var raw json.RawMessage
	if err := c.Call(ctx, "test/big", nil, &raw); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(map[string]any{"text": big, "items": []json.RawMessage{json.RawMessage(`{"a":1}`)}})
	if !bytes.Equal(raw, want) {
		t.Errorf("result of %d bytes differs from the %d the server marshalled", len(raw), len(want))
	}
	var got struct {
		Text  string
		Items []struct{ A int }
	}
	if err := c.Call(ctx, "test/big", nil, &got); err != nil || got.Text != big || len(got.Items) != 1 || got.Items[0].A != 1 {
		t.Errorf("decoded result: %d bytes of text, %v, %v", len(got.Text), got.Items, err)
	}
	if err := c.Call(ctx, "test/big", nil, nil); err != nil {
		t.Errorf("nil result: %v", err)
	}
	s := "untouched"
	if err := c.Call(ctx, "test/null", nil, &s); err != nil || s != "untouched" {
		t.Errorf("null result: %q, %v (want the target left alone, as json.Unmarshal of null does)", s, err)
	}
	var n int
	if err := c.Call(ctx, "test/big", nil, &n); err == nil {
		t.Error("an object decoded into an int without error")
	}
	var e *Error
	if err := c.Call(ctx, "test/fail", nil, &s); !errors.As(err, &e) || e.Message == "" {
		t.Errorf("error reply: %v", err)
	}
	c.results.mu.Lock()
	left := len(c.results.m)
	c.results.mu.Unlock()
	if left != 0 {
		t.Errorf("%d results left in the stash after every call returned", left)
	}
}
