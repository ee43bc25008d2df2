package rpc

import (
	"encoding/json"
	"strconv"
	"sync"

	"github.com/sourcegraph/jsonrpc2"
)

// paramsHandoff carries each request's params from a server's stream to
// its handler past jsonrpc2. jsonrpc2's Request.UnmarshalJSON decodes the
// params into interface{} and marshals them back, after its own message
// type has checked the whole message twice more: for jq/eval's 1 MiB input
// that was about two thirds of the daemon's time, spent on bytes
// decodeMessage had already checked. So the stream keeps the params here
// and gives jsonrpc2 the request without them; connHandler.Handle takes
// them.
//
// There is no lock and no key because jsonrpc2's read loop calls
// ReadObject and then Handle for the message it read, on one goroutine,
// one message at a time (readMessages in its conn.go), so what is kept is
// always the params of the request being handled. That is jsonrpc2's
// behaviour, not its promise: were it to hand requests to another
// goroutine, the race detector and TestParamsReachTheirRequests (which
// pipelines requests with distinct params) would say so.
//
// The request's id travels the same way. jsonrpc2's ID holds a uint64 or a
// string, so it answered -1 as 18446744073709551615, refused 1.5 with
// strconv's words and took "id":null for a notification; the stream keeps
// the id's bytes here and gives jsonrpc2 the id 0 (or none, for a
// notification), and replies are written with the bytes kept.
type paramsHandoff struct {
	raw json.RawMessage // nil when the request had no params
	id  json.RawMessage // nil for a notification (no "id" member)
}

// take returns the kept params and forgets them.
func (p *paramsHandoff) take() json.RawMessage {
	raw := p.raw
	p.raw = nil
	return raw
}

// takeID returns the kept id, as the client wrote it, and forgets it; nil
// means the request was a notification.
func (p *paramsHandoff) takeID() json.RawMessage {
	id := p.id
	p.id = nil
	return id
}

// withoutParams is the request jsonrpc2 gets in place of one whose params
// and id the stream keeps: the same method, built from its raw JSON
// (checked by decodeMessage), and the id 0 when the request has one.
func withoutParams(method json.RawMessage, hasID bool) []byte {
	msg := make([]byte, 0, len(method)+40)
	msg = append(msg, `{"jsonrpc":"2.0","method":`...)
	msg = append(msg, method...)
	if hasID {
		msg = append(msg, `,"id":0`...)
	}
	return append(msg, '}')
}

// paramsStash carries a call's params from Client.Call to the client's
// stream past jsonrpc2, the way resultStash carries results back.
// DispatchCall marshals the params, then marshals them again inside the
// request and once more inside its message type; each pass re-validates
// and copies every byte, three passes over jq/eval's 1 MiB input where
// one does. So Call marshals the params once, keeps them here under the
// call's id and has jsonrpc2 send the request without params; the stream
// puts them back in as it writes the request. The bytes on the wire are
// the ones jsonrpc2 wrote (its map marshals "params" last, after "id",
// "jsonrpc" and "method"), as TestCallWritesWhatDispatchCallWrites checks.
type paramsStash struct {
	mu sync.Mutex
	m  map[string][]byte
}

func newParamsStash() *paramsStash { return &paramsStash{m: map[string][]byte{}} }

func idKey(id jsonrpc2.ID) string {
	if id.IsString {
		return strconv.Quote(id.Str)
	}
	return strconv.FormatUint(id.Num, 10)
}

// put keeps a call's marshalled params until its request is written.
func (p *paramsStash) put(id jsonrpc2.ID, params []byte) {
	p.mu.Lock()
	p.m[idKey(id)] = params
	p.mu.Unlock()
}

// drop forgets a call's params when its request was never written.
func (p *paramsStash) drop(id jsonrpc2.ID) {
	p.mu.Lock()
	delete(p.m, idKey(id))
	p.mu.Unlock()
}

// restore returns msg, a message jsonrpc2 marshalled, with the params kept
// for it put back; any other message comes back as it is. The message is
// returned in parts, to be written one after the other, so that 1 MiB of
// params is not copied into a new message (and then into the frame).
func (p *paramsStash) restore(msg []byte) [][]byte {
	p.mu.Lock()
	empty := len(p.m) == 0
	p.mu.Unlock()
	if empty {
		return [][]byte{msg}
	}
	// Without its params a request is a few dozen bytes: reading its id
	// costs nothing next to the params. A response (to a request the
	// daemon sent) has an id from the daemon's space, hence the method.
	var head struct {
		ID     json.RawMessage `json:"id"`
		Method *string         `json:"method"`
	}
	if json.Unmarshal(msg, &head) != nil || head.Method == nil || len(head.ID) == 0 {
		return [][]byte{msg}
	}
	p.mu.Lock()
	params, ok := p.m[string(head.ID)]
	delete(p.m, string(head.ID))
	p.mu.Unlock()
	if !ok || len(msg) == 0 || msg[len(msg)-1] != '}' {
		return [][]byte{msg}
	}
	return [][]byte{msg[:len(msg)-1], []byte(`,"params":`), params, []byte("}")}
}
