package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"
)

// TestParamsReachTheirRequests pipelines requests with distinct params in
// one write, with notifications, requests without params and broken
// messages between them: the params the stream keeps for a handler (see
// paramsHandoff) must always be its own request's, and decode as they did
// when jsonrpc2 re-encoded them (invalid UTF-8 becomes U+FFFD either way).
func TestParamsReachTheirRequests(t *testing.T) {
	ts := startServer(t, Options{}, testMethods(nil, new(atomic.Int32)))
	c, r := ts.raw(t)
	var batch strings.Builder
	want := map[string]string{} // id → result or error code
	for i := range 200 {
		switch i % 5 {
		case 0:
			text := fmt.Sprintf("text %d <&> é", i)
			fmt.Fprintf(&batch, `{"jsonrpc":"2.0","id":%d,"method":"test/echo","params":{"text":%q}}`+"\n", i, text)
			res, _ := json.Marshal(text)
			want[fmt.Sprint(i)] = string(res)
		case 1:
			// Whitespace inside, params first, a string id, a raw invalid byte.
			fmt.Fprintf(&batch, `{ "params" : { "count" : %d , "text" : "x%d`+"\xff"+`" } , "method" : "test/echo" , "id" : "s%d" , "jsonrpc" : "2.0" }`+"\n", i, i, i)
			want[fmt.Sprintf(`"s%d"`, i)] = fmt.Sprintf(`"x%d`+"\uFFFD"+`"`, i)
		case 2:
			// A notification with params, then a request without any.
			fmt.Fprintf(&batch, `{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"none%d"}}`+"\n", i)
			fmt.Fprintf(&batch, `{"jsonrpc":"2.0","id":%d,"method":"test/echo"}`+"\n", i)
			want[fmt.Sprint(i)] = fmt.Sprint(CodeInvalidParams)
		case 3:
			// A fractional id (which jsonrpc2 refused; the stream keeps
			// ids itself now) and a repeated member (refused before any
			// params are kept), then one without params and one with null
			// params: none may see params left over.
			fmt.Fprintf(&batch, `{"jsonrpc":"2.0","id":%d.5,"method":"test/echo","params":{"text":"own%d"}}`+"\n", i, i)
			want[fmt.Sprintf("%d.5", i)] = fmt.Sprintf(`"own%d"`, i)
			fmt.Fprintf(&batch, `{"jsonrpc":"2.0","id":"d%d","method":"test/echo","params":{"text":"leak"},"params":{"text":"leak"}}`+"\n", i)
			want[fmt.Sprintf(`"d%d"`, i)] = fmt.Sprint(CodeInvalidRequest)
			fmt.Fprintf(&batch, `{"jsonrpc":"2.0","id":%d,"method":"test/echo"}`+"\n", i)
			want[fmt.Sprint(i)] = fmt.Sprint(CodeInvalidParams)
			fmt.Fprintf(&batch, `{"jsonrpc":"2.0","id":"n%d","method":"test/echo","params":null}`+"\n", i)
			want[fmt.Sprintf(`"n%d"`, i)] = fmt.Sprint(CodeInvalidParams)
		case 4:
			fmt.Fprintf(&batch, `{"jsonrpc":"2.0","id":%d,"method":"test/echo","params":{"text":"%s"}}`+"\n", i, strings.Repeat("y", 100_000+i))
			want[fmt.Sprint(i)] = `"` + strings.Repeat("y", 100_000+i) + `"`
		}
	}
	go io.WriteString(c, batch.String())
	got := map[string]string{}
	for range want {
		rep := readLineReply(t, r)
		if rep.Error != nil {
			got[string(rep.ID)] = fmt.Sprint(rep.Error.Code)
		} else {
			got[string(rep.ID)] = string(rep.Result)
		}
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("id %s: got %.60q, want %.60q", id, got[id], w)
		}
	}
}

// TestCallWritesWhatDispatchCallWrites holds Client.Call, whose params
// bypass jsonrpc2's marshalling (see paramsStash), to the bytes jsonrpc2's
// DispatchCall writes for the same call: raw JSON that needs compacting
// and HTML escaping, values, null, no params, in both framings.
func TestCallWritesWhatDispatchCallWrites(t *testing.T) {
	raw := json.RawMessage("{ \"input\" : [1, 2,\n 3], \"b\": \"<&> \u2028\" }")
	params := []any{
		raw,
		&raw,
		map[string]any{"text": "<a href='x'>&amp;</a> é", "n": 1.5},
		echoParams{Text: "hi", Count: 2},
		json.RawMessage("null"),
		nil,
	}
	for _, framing := range []Framing{FramingLine, FramingHeader} {
		for _, p := range params {
			viaDispatch := newCaptureConn()
			conn := jsonrpc2.NewConn(context.Background(), newStream(viaDispatch, framing, 0), nil)
			if _, err := conn.DispatchCall(context.Background(), "test/m", p, jsonrpc2.PickID(jsonrpc2.ID{Num: 1})); err != nil {
				t.Fatal(err)
			}
			conn.Close()
			want := viaDispatch.String()

			client, server := net.Pipe()
			c := NewClient(client, framing, nil)
			done := make(chan error, 1)
			go func() { done <- c.Call(context.Background(), "test/m", p, nil) }()
			server.SetReadDeadline(time.Now().Add(10 * time.Second))
			got := make([]byte, len(want))
			if _, err := io.ReadFull(server, got); err != nil {
				t.Fatalf("%v: %v", p, err)
			}
			if string(got) != want {
				t.Errorf("%s, %v:\nCall wrote         %q\nDispatchCall wrote %q", framing, p, got, want)
			}
			c.Close()
			server.Close()
			<-done
			if n := len(c.params.m); n != 0 {
				t.Errorf("%v: %d params left in the stash", p, n)
			}
		}
	}
	// Params json cannot marshal fail the call, as DispatchCall's do, and
	// nothing is written or kept.
	client, server := net.Pipe()
	defer server.Close()
	c := NewClient(client, FramingLine, nil)
	defer c.Close()
	if err := c.Call(context.Background(), "test/m", func() {}, nil); err == nil {
		t.Error("unmarshalable params: no error")
	}
	if n := len(c.params.m); n != 0 {
		t.Errorf("%d params left in the stash after a failed call", n)
	}
	server.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if n, _ := server.Read(make([]byte, 1)); n != 0 {
		t.Error("a failed call wrote to the connection")
	}
}
