package rpc

import (
	"encoding/json"
	"strconv"
	"sync"

	"github.com/sourcegraph/jsonrpc2"
)

// resultStash carries results from a client's stream to Client.Call past
// jsonrpc2. jsonrpc2 decodes every incoming message several times over,
// the result once as interface{} only to tell null from absent; for a
// listing of 10,000 users (2.6 MB) that was most of a call's time. The
// stream has already checked the message and split the result off, so it
// keeps the result here under the response's id and hands jsonrpc2 the
// same response with a null result, which it routes to the waiting call
// as before; Call then takes the result and decodes it once.
type resultStash struct {
	mu sync.Mutex
	m  map[string][]byte
}

func newResultStash() *resultStash { return &resultStash{m: map[string][]byte{}} }

// put keeps result under id (the raw JSON id) and returns the message to
// give jsonrpc2 in its place.
func (r *resultStash) put(id, result []byte) []byte {
	r.mu.Lock()
	r.m[string(id)] = result
	r.mu.Unlock()
	msg := make([]byte, 0, len(id)+40)
	msg = append(msg, `{"jsonrpc":"2.0","id":`...)
	msg = append(msg, id...)
	return append(msg, `,"result":null}`...)
}

// take removes and returns the result kept for a call's id; ok is false
// when none came (an error reply, a closed connection).
func (r *resultStash) take(id jsonrpc2.ID) (result []byte, ok bool) {
	// Client ids are numbers, which the stream sees as their decimal text.
	key := strconv.FormatUint(id.Num, 10)
	if id.IsString {
		key = strconv.Quote(id.Str)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	result, ok = r.m[key]
	delete(r.m, key)
	return result, ok
}

// encodeError is writeResult's answer for a result encoding/json refuses
// (a ±Inf or NaN, a channel): nothing was written, and the request still
// needs its one reply.
type encodeError struct{ err error }

func (e *encodeError) Error() string { return "encode result: " + e.err.Error() }
func (e *encodeError) Unwrap() error { return e.err }

// writeResult writes the response to a request that succeeded, the bytes
// jsonrpc2's Conn.Reply would write: {"id":…,"result":…,"jsonrpc":"2.0"},
// with id the request's id exactly as the client wrote it (see
// paramsHandoff: jsonrpc2's ID type turns -1 into 18446744073709551615).
// Reply marshals the result, then marshals it again inside its Response
// and again inside its message type, each pass re-validating and copying
// every byte: three passes over 2.6 MB for a listing of 10,000 users,
// where one does. As with Reply, a result that cannot be marshalled is
// an error and nothing is written, and so is a closed connection.
func (s *stream) writeResult(conn *jsonrpc2.Conn, idJSON json.RawMessage, result any) error {
	select {
	case <-conn.DisconnectNotify():
		return jsonrpc2.ErrClosed
	default:
	}
	body, err := json.Marshal(result)
	if err != nil {
		return &encodeError{err}
	}
	msg := make([]byte, 0, len(body)+len(idJSON)+40)
	msg = append(msg, `{"id":`...)
	msg = append(msg, idJSON...)
	msg = append(msg, `,"result":`...)
	msg = append(msg, body...)
	msg = append(msg, `,"jsonrpc":"2.0"}`...)
	return s.writeFrame(msg)
}

// writeErrorReply writes the error response to a request, the bytes
// jsonrpc2's Conn.ReplyWithError would write, with the request's id as the
// client wrote it.
func (s *stream) writeErrorReply(conn *jsonrpc2.Conn, idJSON json.RawMessage, werr *jsonrpc2.Error) error {
	select {
	case <-conn.DisconnectNotify():
		return jsonrpc2.ErrClosed
	default:
	}
	body, err := json.Marshal(werr)
	if err != nil {
		return err
	}
	msg := make([]byte, 0, len(body)+len(idJSON)+40)
	msg = append(msg, `{"id":`...)
	msg = append(msg, idJSON...)
	msg = append(msg, `,"error":`...)
	msg = append(msg, body...)
	msg = append(msg, `,"jsonrpc":"2.0"}`...)
	return s.writeFrame(msg)
}
