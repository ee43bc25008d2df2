package rpc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/konnectd/konnectd/internal/jsonwalk"
	"github.com/konnectd/konnectd/internal/safesocket"
	"github.com/konnectd/konnectd/jq"
)

// pipeConn feeds fixed input and collects what the stream writes back.
type pipeConn struct {
	in  *bytes.Reader
	out bytes.Buffer
}

func (p *pipeConn) Read(b []byte) (int, error)  { return p.in.Read(b) }
func (p *pipeConn) Write(b []byte) (int, error) { return p.out.Write(b) }
func (p *pipeConn) Close() error                { return nil }

// FuzzStream drives framing detection and message parsing with arbitrary
// bytes: the stream must never panic, must end only on EOF or a fatal
// framing error, and everything it writes back must be a well-framed
// JSON-RPC error.
func FuzzStream(f *testing.F) {
	seeds := []string{
		`{"jsonrpc":"2.0","id":1,"method":"daemon/status"}` + "\n",
		"Content-Length: 49\r\n\r\n" + `{"jsonrpc":"2.0","id":1,"method":"daemon/status"}`,
		"Content-Length: 5\r\nContent-Type: x\r\n\r\n{}{}{",
		"Content-Length: -1\r\n\r\n",
		"Content-Length: 99999999999\r\n\r\n",
		"garbage\r\n\r\n",
		"[1,2,3]\n{}\n\n\n",
		`{"jsonrpc":"2.0","id":-1.5,"method":"x"}` + "\n",
		`{"jsonrpc":"2.0","id":null,"result":null}` + "\n",
		"\n\n  {\"jsonrpc\":\"2.0\",\"method\":\"exit\"}",
		"\xEF\xBB\xBF" + `{"jsonrpc":"2.0","id":1,"method":"daemon/status"}` + "\n",
		"Content-Length: 49\n\n" + `{"jsonrpc":"2.0","id":1,"method":"daemon/status"}`,
		"Content-Length: 49\r\nContent-Length: 50\r\n\r\n" + `{"jsonrpc":"2.0","id":1,"method":"daemon/status"}`,
		"Content-Length: 49\r\n" + `{"jsonrpc":"2.0","id":1,"method":"daemon/status"}`,
		`{"jsonrpc":"2.0","id":null,"method":"a","method":"b"}` + "\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Once as a server's stream reads (keeping params for the handler,
		// see paramsHandoff), once without.
		for _, server := range []bool{true, false} {
			pc := &pipeConn{in: bytes.NewReader(data)}
			st := newStream(pc, FramingAuto, 4096)
			if server {
				st.params = &paramsHandoff{}
			}
			for range 1000 {
				err := st.ReadObject(new(anyMessageProbe))
				if err != nil {
					var fe *frameError
					if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !(errors.As(err, &fe) && fe.fatal) {
						t.Fatalf("unexpected error kind: %v", err)
					}
					break
				}
				if server {
					st.params.take()
				}
			}
			checkWritten(t, st.framing, pc.out.Bytes())
			// decodeGuarded keeps a decoder panic from ending the daemon;
			// the fuzzer must still see it as the bug it is.
			if bytes.Contains(pc.out.Bytes(), []byte(decodePanicked)) {
				t.Fatalf("the decoder panicked on %q", data)
			}
		}
	})
}

// anyMessageProbe accepts whatever decodeMessage lets through, the way
// jsonrpc2's own message type would, so the fuzzer exercises the same path.
type anyMessageProbe struct {
	req  jsonrpc2.Request
	resp jsonrpc2.Response
}

func (a *anyMessageProbe) UnmarshalJSON(b []byte) error {
	var probe struct {
		Method *string `json:"method"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return err
	}
	if probe.Method != nil {
		return json.Unmarshal(b, &a.req)
	}
	return json.Unmarshal(b, &a.resp)
}

func checkWritten(t *testing.T, f Framing, out []byte) {
	t.Helper()
	r := newStream(&pipeConn{in: bytes.NewReader(out)}, f, 1<<20)
	for {
		frame, err := r.readFrame()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("stream wrote a malformed frame: %v (%q)", err, out)
		}
		var rep struct {
			JSONRPC string          `json:"jsonrpc"`
			ID      json.RawMessage `json:"id"`
			Error   *struct {
				Code int64 `json:"code"`
			} `json:"error"`
		}
		if err := json.Unmarshal(frame, &rep); err != nil || rep.JSONRPC != "2.0" || rep.Error == nil {
			t.Fatalf("stream wrote %q", frame)
		}
	}
}

// FuzzJQParams sends arbitrary params to jq/eval: decoding, validation and
// evaluation must never panic, and every failure must be a typed error
// (invalid params or a jq error, or -32600 for a repeated member), never
// an internal one.
func FuzzJQParams(f *testing.F) {
	for _, s := range []string{
		`{"expression":".a","input":{"a":1}}`,
		`{"expression":".[] | select(.x > 1)","input":[{"x":1},{"x":2}],"rawOutput":true}`,
		`{"expression":"input"}`,
		`{"expression":"$ENV"}`,
		`{"expression":".a |"}`,
		`{"expression":"error(\"kpat_x\")"}`,
		`{"expression":"","input":1}`,
		`{"expression":1}`,
		`[]`,
		`{"expression":".","input":1,"extra":true}`,
	} {
		f.Add([]byte(s))
	}
	e := jq.New(jq.Limits{Timeout: 200 * time.Millisecond, MaxResults: 100, MaxOutput: 1 << 16})
	m := JQMethods(e)[0]
	f.Fuzz(func(t *testing.T, params []byte) {
		if !json.Valid(params) {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := m.Handle(ctx, params)
		if err == nil {
			return
		}
		got := classify(ctx, err)
		if _, dup := jsonwalk.DuplicateKey(params); dup && got.Code == CodeInvalidRequest {
			return // a member given twice is refused as a whole (see framing)
		}
		if got.Code != CodeInvalidParams && got.Code != CodeJQ {
			t.Fatalf("params %s: error %d %q is neither invalid params nor a jq error", params, got.Code, got.Message)
		}
	})
}

// refRequest is what a plain reading of the JSON-RPC 2.0 spec, with
// encoding/json's token decoder, makes of one message: whether it is a
// request the server must run, and its id and params as written.
type refRequest struct {
	request bool // a well-formed request (or notification)
	invalid bool // refused whatever it is
	id      []byte
	params  []byte
}

// referenceDecode reads frame the slow, obvious way: every top-level key
// unescaped and compared with every other by strings.EqualFold (as
// encoding/json matches names), each member's raw value kept.
func referenceDecode(frame []byte) refRequest {
	dec := json.NewDecoder(bytes.NewReader(frame))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return refRequest{invalid: true}
	}
	members := map[string][]byte{}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return refRequest{invalid: true}
		}
		k := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return refRequest{invalid: true}
		}
		for _, o := range keys {
			if strings.EqualFold(o, k) {
				return refRequest{invalid: true} // a repeated member
			}
		}
		keys = append(keys, k)
		for _, name := range []string{"jsonrpc", "id", "method", "params", "result", "error"} {
			if strings.EqualFold(k, name) {
				members[name] = raw
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return refRequest{invalid: true}
	}
	if _, err := dec.Token(); err != io.EOF {
		return refRequest{invalid: true} // trailing data
	}
	var version string
	if json.Unmarshal(members["jsonrpc"], &version) != nil || version != "2.0" {
		return refRequest{invalid: true}
	}
	id, hasID := members["id"]
	if hasID {
		switch id[0] {
		case '"', 'n', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		default:
			return refRequest{invalid: true}
		}
	}
	method, ok := members["method"]
	if !ok {
		return refRequest{} // a response, or nothing: not compared
	}
	if method[0] != '"' {
		return refRequest{invalid: true}
	}
	params := members["params"]
	if len(params) > 0 && params[0] != '{' && params[0] != '[' && string(params) != "null" {
		return refRequest{invalid: true}
	}
	return refRequest{request: true, id: id, params: params}
}

// FuzzDecodeMessage is a differential: every message the reference reads
// as a request, the stream accepts, handing on the very id and params
// bytes; every message the reference refuses, the stream refuses. It
// would have found the ids jsonrpc2 rewrote or refused (-1, 1.5, null),
// and the repeated members encoding/json resolved by taking the last.
func FuzzDecodeMessage(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"daemon/status"}`,
		`{"jsonrpc":"2.0","id":-1,"method":"daemon/status"}`,
		`{"jsonrpc":"2.0","id":1.5,"method":"x","params":[1]}`,
		`{"jsonrpc":"2.0","id":null,"method":"x","params":{"a":1}}`,
		`{"jsonrpc":"2.0","method":"x"}`,
		`{"jsonrpc":"2.0","id":"a","method":"daemon/status","method":"daemon/stop"}`,
		`{"jsonrpc":"2.0","id":2,"Method":"a","method":"b"}`,
		`{"jsonrpc":"2.0","id":3,"\u006dethod":"a"}`,
		`{"jsonrpc":"2.0","id":3,"method":"a","x":1,"x":2}`,
		`{"jsonrpc":"2\u002e0","id":4,"method":"a"}`,
		`{"id":5,"result":null,"jsonrpc":"2.0"}`,
		` {"jsonrpc" : "2.0" , "id" : 1e400 , "method" : "m" } `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		ref := referenceDecode(frame)
		h := &paramsHandoff{}
		err := decodeMessage(frame, new(anyMessageProbe), nil, h)
		switch {
		case ref.invalid && err == nil:
			t.Fatalf("%q: accepted; the reference refuses it", frame)
		case ref.request && err != nil:
			t.Fatalf("%q: refused (%v); the reference reads a request", frame, err)
		case ref.request:
			if !bytes.Equal(h.id, ref.id) || (h.id == nil) != (ref.id == nil) {
				t.Fatalf("%q: id handed on as %q, written as %q", frame, h.id, ref.id)
			}
			if !bytes.Equal(h.raw, ref.params) {
				t.Fatalf("%q: params handed on as %q, written as %q", frame, h.raw, ref.params)
			}
		}
	})
}

// FuzzRepliesEchoID sends a request with an arbitrary id to a real server
// connection: a legal id (a string, a number or null) must come back
// byte for byte, in a reply to that request; anything else gets one
// -32600 with a null id. Either way exactly one reply comes.
func FuzzRepliesEchoID(f *testing.F) {
	for _, s := range []string{`1`, `-1`, `1.5`, `null`, `"x"`, `"\u00e9"`, `1e400`, `-0`, `18446744073709551616`, `true`, `{}`, `[1]`} {
		f.Add([]byte(s))
	}
	srv := NewServer(Options{Version: "fuzz"}, testMethods(nil, new(atomic.Int32)))
	client, server := net.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	f.Cleanup(func() { cancel(); client.Close() })
	go srv.ServeStream(ctx, server, "stdio", safesocket.Cred{})
	r := bufio.NewReader(client)
	f.Fuzz(func(t *testing.T, id []byte) {
		id = bytes.TrimSpace(id)
		if bytes.ContainsAny(id, "\r\n") || len(id) == 0 || !json.Valid(id) {
			return // not a value in a message on one line
		}
		client.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(client, `{"jsonrpc":"2.0","id":%s,"method":"test/echo","params":{"text":"e"}}`+"\n", id)
		line, err := r.ReadBytes('\n')
		if err != nil {
			t.Fatalf("id %s: no reply: %v", id, err)
		}
		if validID(id) != nil {
			if got := replyID(t, line); got != string(id) {
				t.Fatalf("id %s came back as %s", id, got)
			}
			if !bytes.Contains(line, []byte(`"result":"e"`)) {
				t.Fatalf("id %s: reply %s", id, line)
			}
			return
		}
		if !bytes.HasPrefix(line, []byte(`{"jsonrpc":"2.0","id":null,"error":{"code":-32600,`)) {
			t.Fatalf("id %s: reply %s", id, line)
		}
	})
}
