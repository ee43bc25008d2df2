package rpc

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/konnectd/konnectd/internal/jsonwalk"
	"github.com/konnectd/konnectd/internal/redact"
)

// Framing is how messages are delimited on a connection.
type Framing int

const (
	// FramingAuto sniffs the first bytes the peer sends: '{' or '[' means
	// newline-delimited JSON, anything else means Content-Length headers.
	FramingAuto Framing = iota
	// FramingHeader is LSP's "Content-Length: N\r\n\r\n<body>".
	FramingHeader
	// FramingLine is one JSON message per line (MCP style; works with socat).
	FramingLine
)

func (f Framing) String() string {
	switch f {
	case FramingHeader:
		return "content-length"
	case FramingLine:
		return "ndjson"
	}
	return "auto"
}

// DefaultMaxMessage is the default cap on one incoming message (8 MiB).
const DefaultMaxMessage = 8 << 20

// maxHeaderLine bounds one header line, so a peer cannot make us buffer an
// endless "header".
const maxHeaderLine = 4096

// stream is a jsonrpc2.ObjectStream that detects framing, caps message size
// and answers malformed messages itself. sourcegraph/jsonrpc2 closes the
// connection on any ReadObject error, so only a broken transport or an
// unrecoverable framing error is returned as one; everything else gets an
// error reply and the loop reads on.
type stream struct {
	r       *bufio.Reader
	w       io.Writer
	c       io.Closer
	max     int64
	framing Framing
	onError func(code int64, msg string) // for logging; may be nil
	// onEOF runs when the peer stops sending, before jsonrpc2 is told (and
	// closes the connection): it lets replies to requests already read
	// still go out, as a piped "echo … | konnectd serve --stdio" expects.
	onEOF func()
	// onFatal runs after the reply to an unrecoverable framing error, for
	// the same reason: the requests read before it still get replies.
	onFatal func()
	// results, on a client's stream, keeps each response's result for
	// Client.Call; see resultStash.
	results *resultStash
	// params, on a server's stream, keeps each request's params for its
	// handler; see paramsHandoff.
	params *paramsHandoff
	// out, on a client's stream, has the params of calls being sent; see
	// paramsStash.
	out *paramsStash

	wmu sync.Mutex
	// pending holds what the daemon wrote before the peer's first bytes
	// told its framing (a notification to a client that has not spoken
	// yet): sent in that framing once known. Guarded by wmu, as is every
	// write of framing after the sniff.
	pending [][]byte
}

// maxPending bounds the messages held for a peer that has not spoken yet;
// past it the oldest are dropped (a notification superseded by later
// ones).
const maxPending = 64

func newStream(rwc io.ReadWriteCloser, framing Framing, max int64) *stream {
	if max <= 0 {
		max = DefaultMaxMessage
	}
	return &stream{r: bufio.NewReaderSize(rwc, 64<<10), w: rwc, c: rwc, max: max, framing: framing}
}

// frameError is a problem with one message that the connection survives
// unless fatal is set.
type frameError struct {
	code  int64
	msg   string
	id    json.RawMessage // null when unknown
	fatal bool
}

func (e *frameError) Error() string { return e.msg }

// ReadObject reads the next well-formed message into v.
func (s *stream) ReadObject(v any) error {
	for {
		frame, err := s.readFrame()
		if err == nil {
			err = decodeGuarded(frame, v, s.results, s.params)
		}
		var fe *frameError
		if !errors.As(err, &fe) {
			if errors.Is(err, io.EOF) && s.onEOF != nil {
				s.onEOF()
			}
			return err
		}
		if s.onError != nil {
			s.onError(fe.code, fe.msg)
		}
		if werr := s.writeError(fe.id, fe.code, fe.msg); werr != nil {
			return werr
		}
		if fe.fatal {
			// The connection ends here, but requests already read still
			// get their replies, as at the end of input.
			if s.onFatal != nil {
				s.onFatal()
			}
			return fe
		}
	}
}

// decodeGuarded is decodeMessage on the read loop, where a panic would end
// the process and every client's work with it: a message the decoder
// cannot cope with is refused like any invalid one (-32603, the
// connection lives on), and the fuzz targets find the bug.
const decodePanicked = "internal error: the daemon could not read this message; it was skipped"

func decodeGuarded(frame []byte, v any, results *resultStash, params *paramsHandoff) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &frameError{code: CodeInternalError, msg: decodePanicked}
		}
	}()
	return decodeMessage(frame, v, results, params)
}

// WriteObject frames and writes one message, as the peer frames its own.
func (s *stream) WriteObject(obj any) error {
	// jsonrpc2 hands over its message, a json.Marshaler whose output is
	// already json.Marshal's; marshalling it again would only re-validate
	// and copy it, 2.6 MB for a listing of 10,000 users.
	var body []byte
	var err error
	if m, ok := obj.(json.Marshaler); ok {
		body, err = m.MarshalJSON()
	} else {
		body, err = json.Marshal(obj)
	}
	if err != nil {
		return err
	}
	if s.out != nil {
		return s.writeFrame(s.out.restore(body)...)
	}
	return s.writeFrame(body)
}

func (s *stream) Close() error { return s.c.Close() }

// largeFrame is the size from which a frame's parts are written as they
// are (one writev on a socket) instead of being copied into one buffer
// first: a jq/eval request carries 1 MiB of params.
const largeFrame = 64 << 10

// writeFrame writes one message, given as parts to be joined.
func (s *stream) writeFrame(body ...[]byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.framing == FramingAuto {
		// Line or Content-Length: only the peer's first bytes will say.
		// Writing either now could be the wrong one, and a line-framed
		// client would never read its replies.
		if len(s.pending) == maxPending {
			s.pending = s.pending[1:]
		}
		s.pending = append(s.pending, bytes.Join(body, nil))
		return nil
	}
	return s.writeLocked(body...)
}

// writeLocked is writeFrame with wmu held and the framing known.
func (s *stream) writeLocked(body ...[]byte) error {
	n := 0
	for _, p := range body {
		n += len(p)
	}
	var head []byte
	if s.framing != FramingLine {
		head = fmt.Appendf(nil, "Content-Length: %d\r\n\r\n", n)
	}
	if n >= largeFrame {
		bufs := make(net.Buffers, 0, len(body)+2)
		if head != nil {
			bufs = append(bufs, head)
		}
		bufs = append(bufs, body...)
		if s.framing == FramingLine {
			bufs = append(bufs, []byte("\n"))
		}
		_, err := bufs.WriteTo(s.w)
		return err
	}
	buf := make([]byte, 0, len(head)+n+1)
	buf = append(buf, head...)
	for _, p := range body {
		buf = append(buf, p...)
	}
	if s.framing == FramingLine {
		buf = append(buf, '\n')
	}
	_, err := s.w.Write(buf)
	return err
}

func (s *stream) writeError(id json.RawMessage, code int64, msg string) error {
	if len(id) == 0 {
		id = json.RawMessage("null")
	}
	// The message may quote the client's bytes (a header line, a repeated
	// member's name): they pass the redactor like any other error.
	msg = redact.String(msg)
	body, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   struct {
			Code    int64  `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}{JSONRPC: "2.0", ID: id, Error: struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	}{code, msg}})
	return s.writeFrame(body)
}

func (s *stream) readFrame() ([]byte, error) {
	if s.framing == FramingAuto {
		f, err := s.sniff()
		if err != nil {
			return nil, err
		}
		s.wmu.Lock()
		s.framing = f
		pending := s.pending
		s.pending = nil
		for _, body := range pending {
			if err := s.writeLocked(body); err != nil {
				break
			}
		}
		s.wmu.Unlock()
	}
	if s.framing == FramingLine {
		return s.readLine()
	}
	return s.readHeaderFrame()
}

// utf8BOM is what some Windows tools put before the first line they write.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// sniff looks at the first non-blank byte without consuming it. A UTF-8
// byte order mark at the very start is skipped: without that, it read as
// the start of a header and the stream waited for headers that never came.
func (s *stream) sniff() (Framing, error) {
	if b, _ := s.r.Peek(len(utf8BOM)); bytes.Equal(b, utf8BOM) {
		s.r.Discard(len(utf8BOM))
	}
	for {
		b, err := s.r.Peek(1)
		if err != nil {
			return FramingAuto, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			s.r.ReadByte()
			continue
		case '{', '[':
			return FramingLine, nil
		}
		return FramingHeader, nil
	}
}

// readLine returns the next non-blank line, without buffering more than the
// cap: an oversized line is discarded up to its newline and reported.
func (s *stream) readLine() ([]byte, error) {
	for {
		var line []byte
		var size int64
		for {
			chunk, err := s.r.ReadSlice('\n')
			size += int64(len(chunk))
			if size <= s.max+2 { // +2: the "\r\n" is not part of the message
				line = append(line, chunk...)
			} else {
				line = nil
			}
			if err == nil {
				break
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err == io.EOF && size > 0 && size <= s.max {
				break // last message without a trailing newline
			}
			return nil, err
		}
		if size > s.max+2 {
			return nil, &frameError{code: CodeInvalidRequest, msg: tooLarge(size, s.max)}
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		return line, nil
	}
}

func (s *stream) readHeaderFrame() ([]byte, error) {
	length := int64(-1)
	for lines := 0; ; lines++ {
		if err := s.checkHeaderStart(lines); err != nil {
			return nil, err
		}
		line, err := s.readHeaderLine()
		if err != nil {
			return nil, err
		}
		if line == "" && lines == 0 {
			// A line end between messages (printf '…}\n', a client that
			// ends each body with CRLF) is not an empty header block: it
			// closed the connection, losing the reply to the message
			// before it.
			lines = -1
			continue
		}
		if line == "" {
			if length < 0 {
				// Without a length there is no way to find the next message.
				return nil, &frameError{code: CodeParseError, msg: "parse error: missing Content-Length header", fatal: true}
			}
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, &frameError{code: CodeParseError, msg: fmt.Sprintf("parse error: invalid header line %q (expected Content-Length framing or one JSON message per line)", truncate(line, 60)), fatal: true}
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			if err != nil || n < 0 {
				return nil, &frameError{code: CodeParseError, msg: fmt.Sprintf("parse error: invalid Content-Length %q", truncate(value, 30)), fatal: true}
			}
			if length >= 0 && n != length {
				// Which one frames the body is anybody's guess; a wrong
				// guess waits for bytes that never come, or reads into
				// the next message.
				return nil, &frameError{code: CodeParseError, msg: fmt.Sprintf("parse error: conflicting Content-Length headers (%d and %d)", length, n), fatal: true}
			}
			length = n
		}
		// Other headers (Content-Type) are allowed and ignored, as in LSP.
	}
	if length > s.max {
		// Skip the body without keeping it, then carry on with the next one.
		if _, err := io.CopyN(io.Discard, s.r, length); err != nil {
			return nil, err
		}
		return nil, &frameError{code: CodeInvalidRequest, msg: tooLarge(length, s.max)}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(s.r, body); err != nil {
		return nil, err
	}
	return body, nil
}

// checkHeaderStart refuses at once, before waiting for a line end that may
// never come, a header line that cannot be one: JSON where a header should
// be (a client switching to one message per line, or headers not ended by
// an empty line) or a byte no header name starts with. Line ends alone are
// fine: CRLF and bare LF both end headers.
func (s *stream) checkHeaderStart(lines int) error {
	b, err := s.r.Peek(1)
	if err != nil {
		return nil // readHeaderLine reports it
	}
	c := b[0]
	switch {
	case c == '\r' || c == '\n':
		return nil
	case c == '{' || c == '[':
		if lines > 0 {
			return &frameError{code: CodeParseError, msg: "parse error: headers must end with an empty line before the message (Content-Length framing)", fatal: true}
		}
		return &frameError{code: CodeParseError, msg: "parse error: a JSON message where Content-Length headers were expected: this connection uses Content-Length framing", fatal: true}
	case !isTokenByte(c):
		return &frameError{code: CodeParseError, msg: fmt.Sprintf("parse error: unexpected byte 0x%02x where a header or a JSON message was expected", c), fatal: true}
	}
	return nil
}

// isTokenByte reports whether c may appear in an HTTP header name.
func isTokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func (s *stream) readHeaderLine() (string, error) {
	var line []byte
	for {
		chunk, err := s.r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxHeaderLine {
			return "", &frameError{code: CodeParseError, msg: "parse error: header line too long", fatal: true}
		}
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return "", err
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

func tooLarge(size, max int64) string {
	return fmt.Sprintf("invalid request: message of %d bytes exceeds the limit of %d bytes", size, max)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// envelope is the part of a message needed to tell whether it is valid
// JSON-RPC 2.0 before handing it to jsonrpc2, which would otherwise close
// the connection on it.
type envelope struct {
	JSONRPC *string         `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  json.RawMessage `json:"method"`
	Params  json.RawMessage `json:"params"`
	Result  json.RawMessage `json:"result"`
	Error   json.RawMessage `json:"error"`
}

// decodeMessage checks one frame and decodes it into v, or says exactly
// what is wrong with it. With results (a client's stream), a response's
// result goes there and v gets the response with a null result. With
// params (a server's stream), a request's params go there and v gets the
// request without them.
func decodeMessage(frame []byte, v any, results *resultStash, params *paramsHandoff) error {
	trimmed := bytes.TrimSpace(frame)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if !json.Valid(trimmed) {
			return &frameError{code: CodeParseError, msg: "parse error: invalid JSON"}
		}
		return &frameError{code: CodeInvalidRequest, msg: "invalid request: batch requests are not supported; send one message at a time"}
	}
	// A valid message is checked by json.Valid (no allocations) and its
	// envelope sliced out by a walk over the checked bytes; anything else,
	// and any envelope the walk cannot read exactly as encoding/json would,
	// takes json.Unmarshal, whose errors are the ones reported.
	var env envelope
	if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(trimmed) || !walkEnvelope(trimmed, &env) {
		env = envelope{}
		if err := json.Unmarshal(trimmed, &env); err != nil {
			var se *json.SyntaxError
			if se := (*json.SyntaxError)(nil); errors.As(err, &se) && len(trimmed) > 0 && trimmed[0] == '{' && tooDeep(trimmed) {
				// Valid JSON, but deeper than encoding/json reads: the
				// sender still gets its id back, not a parse error.
				return &frameError{code: CodeInvalidRequest, msg: "invalid request: the message nests arrays and objects deeper than 10000 levels", id: shallowID(trimmed)}
			}
			if errors.As(err, &se) || len(trimmed) == 0 {
				msg := "parse error: unexpected end of JSON input"
				if se != nil {
					msg = "parse error: " + se.Error()
				}
				return &frameError{code: CodeParseError, msg: msg}
			}
			if trimmed[0] != '{' {
				return &frameError{code: CodeInvalidRequest, msg: "invalid request: a message must be a JSON object"}
			}
			return &frameError{code: CodeInvalidRequest, msg: "invalid request: " + err.Error()}
		}
		if trimmed[0] == '{' {
			// encoding/json took the last of a repeated member (and
			// matches names ignoring case): "method":"daemon/status",
			// "method":"daemon/stop" stopped the daemon. A message that
			// says two things is refused, not read one way.
			if key, dup := jsonwalk.DuplicateKey(trimmed); dup {
				id := validID(env.ID)
				if strings.EqualFold(key, "id") {
					id = nil
				}
				return &frameError{code: CodeInvalidRequest, msg: fmt.Sprintf("invalid request: member %q appears more than once", truncate(key, 40)), id: id}
			}
		}
	}
	if trimmed[0] != '{' {
		return &frameError{code: CodeInvalidRequest, msg: "invalid request: a message must be a JSON object"}
	}
	id := validID(env.ID)
	fail := func(msg string) error {
		return &frameError{code: CodeInvalidRequest, msg: "invalid request: " + msg, id: id}
	}
	if id == nil && len(env.ID) > 0 {
		return fail(`"id" must be a string, a number or null`)
	}
	if env.JSONRPC == nil || *env.JSONRPC != "2.0" {
		return fail(`"jsonrpc" must be "2.0"`)
	}
	switch {
	case len(env.Method) > 0:
		if env.Method[0] != '"' {
			return fail(`"method" must be a string`)
		}
		if p := bytes.TrimSpace(env.Params); len(p) > 0 && p[0] != '{' && p[0] != '[' && !bytes.Equal(p, []byte("null")) {
			return fail(`"params" must be an object or an array`)
		}
		if params != nil {
			params.raw = env.Params
			params.id = id
			trimmed = withoutParams(env.Method, id != nil)
		}
	case len(env.Result) == 0 && len(env.Error) == 0:
		return fail(`a request needs "method"; a response needs "result" or "error"`)
	case results != nil && len(env.Error) == 0 && id != nil && id[0] != 'n':
		trimmed = results.put(id, env.Result)
	}
	if err := json.Unmarshal(trimmed, v); err != nil {
		return fail(err.Error())
	}
	return nil
}

// twoPointZero is what "jsonrpc" must hold, as raw JSON.
var twoPointZero = "2.0"

// walkEnvelope fills env from msg, a JSON object json.Valid accepted, the
// way json.Unmarshal(msg, env) would, without a second scanner pass and
// without copying the members (a request's params were 1 MiB for
// jq/eval). It reports false, leaving the work to json.Unmarshal, for
// anything where the two could differ or the message must be refused: a
// key that is not plain ASCII (escapes, or letters encoding/json folds), a
// field given twice, a member that is not one of the envelope's (so that
// decodeMessage's duplicate check sees it), or a "jsonrpc" that is neither
// "2.0" nor null (json.Unmarshal's type error, or its unescaping, is then
// what the client reads).
func walkEnvelope(msg []byte, env *envelope) bool {
	var seen [6]bool
	return jsonwalk.Object(msg, func(m jsonwalk.Member) bool {
		if !m.Plain() {
			return false
		}
		var f int
		var dst *json.RawMessage
		switch {
		case bytes.EqualFold(m.Key, []byte("jsonrpc")):
			f = 0
		case bytes.EqualFold(m.Key, []byte("id")):
			f, dst = 1, &env.ID
		case bytes.EqualFold(m.Key, []byte("method")):
			f, dst = 2, &env.Method
		case bytes.EqualFold(m.Key, []byte("params")):
			f, dst = 3, &env.Params
		case bytes.EqualFold(m.Key, []byte("result")):
			f, dst = 4, &env.Result
		case bytes.EqualFold(m.Key, []byte("error")):
			f, dst = 5, &env.Error
		default:
			return false // ignored after the duplicate check, as encoding/json ignores unknown fields
		}
		if seen[f] {
			return false
		}
		seen[f] = true
		if dst != nil {
			*dst = m.Value
			return true
		}
		switch string(m.Value) {
		case `"2.0"`:
			env.JSONRPC = &twoPointZero
			return true
		case "null":
			return true
		}
		return false
	})
}

// validID returns the raw id when it is a legal JSON-RPC id, nil otherwise.
func validID(raw json.RawMessage) json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	switch raw[0] {
	case '"', 'n':
		return raw
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return raw
	}
	return nil
}
