package rpc

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
)

// replyID returns the id bytes of a reply line exactly as written.
func replyID(t *testing.T, line []byte) string {
	t.Helper()
	rest, ok := bytes.CutPrefix(line, []byte(`{"id":`))
	if !ok {
		if rest, ok = bytes.CutPrefix(line, []byte(`{"jsonrpc":"2.0","id":`)); !ok {
			t.Fatalf("reply %q does not start with its id", line)
		}
	}
	for _, sep := range []string{`,"result":`, `,"error":`} {
		if i := bytes.Index(rest, []byte(sep)); i >= 0 {
			return string(rest[:i])
		}
	}
	t.Fatalf("reply %q has no result or error", line)
	return ""
}

// TestIDsEchoedByteForByte: every legal id comes back exactly as sent, for
// results and errors alike. jsonrpc2's ID answered -1 as
// 18446744073709551615, refused 1.5 with strconv's words and took
// "id":null for a notification (no reply at all).
func TestIDsEchoedByteForByte(t *testing.T) {
	ts := startServer(t, Options{}, testMethods(nil, new(atomic.Int32)))
	c, r := ts.raw(t)
	ids := []string{`-1`, `null`, `1.5`, `1e2`, `-0`, `0`, `12345678901234567890123`, `-9.5E-3`,
		`"x\u0041"`, `"é"`, `""`, `"a\"b"`}
	for _, id := range ids {
		for _, method := range []string{"test/echo", "no/such"} {
			fmt.Fprintf(c, `{"jsonrpc":"2.0","id":%s,"method":%q,"params":{"text":"t"}}`+"\n", id, method)
			line, err := r.ReadBytes('\n')
			if err != nil {
				t.Fatalf("id %s: %v", id, err)
			}
			if got := replyID(t, line); got != id {
				t.Errorf("%s with id %s: reply id %s", method, id, got)
			}
			if method == "test/echo" && !bytes.Contains(line, []byte(`"result":"t"`)) {
				t.Errorf("id %s: reply %s", id, line)
			}
		}
	}
	// A notification (no id) still gets nothing: the next reply is the
	// next request's.
	fmt.Fprintf(c, `{"jsonrpc":"2.0","method":"test/echo","params":{"text":"n"}}`+"\n"+`{"jsonrpc":"2.0","id":"after","method":"test/echo","params":{"text":"a"}}`+"\n")
	if rep := readLineReply(t, r); string(rep.ID) != `"after"` {
		t.Fatalf("a notification was answered: %+v", rep)
	}
}

// TestCancelByRawID: $/cancelRequest finds a request by the id's bytes,
// negative ids included.
func TestCancelByRawID(t *testing.T) {
	started := make(chan string, 1)
	var cancelled atomic.Int32
	ts := startServer(t, Options{}, testMethods(started, &cancelled))
	c, r := ts.raw(t)
	fmt.Fprintf(c, `{"jsonrpc":"2.0","id":-7,"method":"test/block","params":{"text":"b"}}`+"\n")
	<-started
	fmt.Fprintf(c, `{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":-7}}`+"\n")
	line, err := r.ReadBytes('\n')
	if err != nil {
		t.Fatal(err)
	}
	if got := replyID(t, line); got != "-7" || !bytes.Contains(line, []byte(fmt.Sprint(CodeRequestCancelled))) {
		t.Fatalf("cancel reply %s", line)
	}
}

// TestFramingThatUsedToHang: each of these got no reply at all, the
// stream waiting for bytes the peer would never send. Now each is read, or
// refused with a reply that says why.
func TestFramingThatUsedToHang(t *testing.T) {
	ts := startServer(t, Options{}, testMethods(nil, new(atomic.Int32)))
	msg := `{"jsonrpc":"2.0","id":1,"method":"test/echo","params":{"text":"ok"}}`
	t.Run("bom before ndjson", func(t *testing.T) {
		c, r := ts.raw(t)
		fmt.Fprintf(c, "\xEF\xBB\xBF%s\n", msg)
		if rep := readLineReply(t, r); string(rep.Result) != `"ok"` {
			t.Fatalf("reply %+v", rep)
		}
	})
	t.Run("bom before headers", func(t *testing.T) {
		c, r := ts.raw(t)
		fmt.Fprintf(c, "\xEF\xBB\xBFContent-Length: %d\r\n\r\n%s", len(msg), msg)
		if rep := readHeaderReply(t, r); string(rep.Result) != `"ok"` {
			t.Fatalf("reply %+v", rep)
		}
	})
	t.Run("lf-only headers", func(t *testing.T) {
		c, r := ts.raw(t)
		fmt.Fprintf(c, "Content-Length: %d\nContent-Type: application/json\n\n%s", len(msg), msg)
		if rep := readHeaderReply(t, r); string(rep.Result) != `"ok"` {
			t.Fatalf("reply %+v", rep)
		}
	})
	refused := func(t *testing.T, send, msgPart string) {
		t.Helper()
		c, r := ts.raw(t)
		io.WriteString(c, send) // and nothing more: the peer waits
		wantCode(t, readHeaderReply(t, r), CodeParseError, msgPart)
		if _, err := r.ReadByte(); err != io.EOF {
			t.Fatalf("connection not closed after a fatal framing error: %v", err)
		}
	}
	t.Run("conflicting lengths", func(t *testing.T) {
		refused(t, fmt.Sprintf("Content-Length: %d\r\nContent-Length: %d\r\n\r\n%s", len(msg), len(msg)+10, msg),
			fmt.Sprintf("conflicting Content-Length headers (%d and %d)", len(msg), len(msg)+10))
	})
	t.Run("no empty line after headers", func(t *testing.T) {
		refused(t, fmt.Sprintf("Content-Length: %d\r\n%s", len(msg), msg), "headers must end with an empty line")
	})
	t.Run("ndjson after a header frame", func(t *testing.T) {
		c, r := ts.raw(t)
		fmt.Fprintf(c, "Content-Length: %d\r\n\r\n%s%s", len(msg), msg, msg)
		// The refusal is written by the reader and closes the connection;
		// the answer, written by the method, may come before it or not at
		// all.
		rep := readHeaderReply(t, r)
		if rep.Error == nil {
			rep = readHeaderReply(t, r)
		}
		wantCode(t, rep, CodeParseError, "Content-Length framing")
	})
	t.Run("binary where a header should be", func(t *testing.T) {
		refused(t, "\x00\x01\x02", "unexpected byte 0x00")
	})
	t.Run("same length twice is fine", func(t *testing.T) {
		c, r := ts.raw(t)
		fmt.Fprintf(c, "Content-Length: %d\r\ncontent-length: %d\r\n\r\n%s", len(msg), len(msg), msg)
		if rep := readHeaderReply(t, r); string(rep.Result) != `"ok"` {
			t.Fatalf("reply %+v", rep)
		}
	})
}

// TestDuplicateMembersRefused: encoding/json took the last of a repeated
// member, so "method":"daemon/status","method":"daemon/stop" ran
// daemon/stop while anything reading the first saw a status call.
func TestDuplicateMembersRefused(t *testing.T) {
	ts := startServer(t, Options{}, testMethods(nil, new(atomic.Int32)))
	c, r := ts.raw(t)
	cases := []struct{ send, id, msg string }{
		{`{"jsonrpc":"2.0","id":1,"method":"test/echo","method":"test/fail","params":{"text":"a"}}`, "1", `member "method" appears more than once`},
		{`{"jsonrpc":"2.0","id":2,"method":"test/echo","Method":"test/fail","params":{"text":"a"}}`, "2", `member "Method" appears more than once`},
		{`{"jsonrpc":"2.0","id":3,"method":"test/echo","\u006dethod":"test/fail","params":{"text":"a"}}`, "3", `member "method" appears more than once`},
		{`{"jsonrpc":"2.0","id":4,"id":5,"method":"test/echo","params":{"text":"a"}}`, "null", `member "id" appears more than once`},
		{`{"jsonrpc":"2.0","jsonrpc":"2.0","id":6,"method":"test/echo","params":{"text":"a"}}`, "6", `member "jsonrpc"`},
		{`{"jsonrpc":"2.0","id":7,"method":"test/echo","params":{"text":"a"},"params":{"text":"b"}}`, "7", `member "params"`},
		{`{"jsonrpc":"2.0","id":8,"method":"test/echo","x":1,"x":2,"params":{"text":"a"}}`, "8", `member "x"`},
		{`{"jsonrpc":"2.0","id":9,"method":"test/echo","params":{"text":"a","text":"b"}}`, "9", `params member "text" appears more than once`},
		{`{"jsonrpc":"2.0","id":10,"method":"test/echo","params":{"text":"a","TEXT":"b"}}`, "10", `params member "TEXT"`},
	}
	for _, tc := range cases {
		fmt.Fprintf(c, "%s\n", tc.send)
		rep := readLineReply(t, r)
		wantCode(t, rep, CodeInvalidRequest, tc.msg)
		if string(rep.ID) != tc.id {
			t.Errorf("%s: reply id %s, want %s", tc.send, rep.ID, tc.id)
		}
	}
	// Unknown members once each are still ignored.
	fmt.Fprintf(c, "%s\n", `{"jsonrpc":"2.0","id":"last","x":1,"method":"test/echo","params":{"text":"alive"}}`)
	if rep := readLineReply(t, r); string(rep.Result) != `"alive"` {
		t.Fatalf("reply %+v", rep)
	}
}

// TestFramingErrorsAreRedacted: a refusal that quotes the client's bytes
// masks a secret among them.
func TestFramingErrorsAreRedacted(t *testing.T) {
	ts := startServer(t, Options{}, testMethods(nil, new(atomic.Int32)))
	c, r := ts.raw(t)
	fmt.Fprintf(c, "%s\n", `{"jsonrpc":"2.0","id":1,"kpat_Ab3Cd5Ef7Gh9Jk2Lm4":1,"kpat_Ab3Cd5Ef7Gh9Jk2Lm4":2,"method":"test/echo"}`)
	line, err := r.ReadBytes('\n')
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(line, []byte("Ab3Cd5Ef7Gh9")) || !bytes.Contains(line, []byte(`appears more than once`)) {
		t.Fatalf("reply %s", line)
	}
}

// TestLineEndsBetweenHeaderFrames: a body followed by a line end (printf's
// "\n", a client's CRLF) was taken for an empty header block, a fatal
// error, and the connection closed before the reply to the body went out.
func TestLineEndsBetweenHeaderFrames(t *testing.T) {
	ts := startServer(t, Options{}, testMethods(nil, new(atomic.Int32)))
	msg := func(id int) string {
		return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"test/echo","params":{"text":"ok"}}`, id)
	}
	c, r := ts.raw(t)
	fmt.Fprintf(c, "Content-Length: %d\n\n%s\n", len(msg(1)), msg(1))
	if rep := readHeaderReply(t, r); string(rep.ID) != "1" || string(rep.Result) != `"ok"` {
		t.Fatalf("reply %+v", rep)
	}
	fmt.Fprintf(c, "\r\n\r\nContent-Length: %d\r\n\r\n%s\r\n", len(msg(2)), msg(2))
	if rep := readHeaderReply(t, r); string(rep.ID) != "2" || string(rep.Result) != `"ok"` {
		t.Fatalf("reply %+v", rep)
	}
}

// TestFatalFramingErrorStillAnswersWhatWasRead: the request read before a
// fatal framing error gets its reply before the connection closes.
func TestFatalFramingErrorStillAnswersWhatWasRead(t *testing.T) {
	ts := startServer(t, Options{}, testMethods(nil, new(atomic.Int32)))
	m := `{"jsonrpc":"2.0","id":1,"method":"test/echo","params":{"text":"ok"}}`
	c, r := ts.raw(t)
	fmt.Fprintf(c, "Content-Length: %d\r\n\r\n%s%s", len(m), m, m) // the second without headers
	var got []reply
	for {
		rep, ok := tryHeaderReply(r)
		if !ok {
			break
		}
		got = append(got, rep)
	}
	if len(got) != 2 {
		t.Fatalf("%d replies, want the answer and the refusal: %+v", len(got), got)
	}
	for _, rep := range got {
		if rep.Error == nil && string(rep.Result) != `"ok"` || rep.Error != nil && rep.Error.Code != CodeParseError {
			t.Fatalf("reply %+v", rep)
		}
	}
}

// tryHeaderReply reads one Content-Length reply; ok is false at the end.
func tryHeaderReply(r *bufio.Reader) (reply, bool) {
	var n int
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return reply{}, false
		}
		line = strings.TrimSpace(line)
		if line == "" {
			break
		}
		if _, err := fmt.Sscanf(line, "Content-Length: %d", &n); err != nil {
			return reply{}, false
		}
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return reply{}, false
	}
	var rep reply
	return rep, json.Unmarshal(body, &rep) == nil
}
