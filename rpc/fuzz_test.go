package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"

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
// (invalid params or a jq error), never an internal one.
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
		if got.Code != CodeInvalidParams && got.Code != CodeJQ {
			t.Fatalf("params %s: error %d %q is neither invalid params nor a jq error", params, got.Code, got.Message)
		}
	})
}
