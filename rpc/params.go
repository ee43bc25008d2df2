package rpc

import "encoding/json"

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
type paramsHandoff struct {
	raw json.RawMessage // nil when the request had no params
}

// take returns the kept params and forgets them.
func (p *paramsHandoff) take() json.RawMessage {
	raw := p.raw
	p.raw = nil
	return raw
}

// withoutParams is the request jsonrpc2 gets in place of one whose params
// the stream keeps: the same method and id, built from their raw JSON
// (checked by decodeMessage), so jsonrpc2 decodes them exactly as before.
func withoutParams(method, id json.RawMessage) []byte {
	msg := make([]byte, 0, len(method)+len(id)+40)
	msg = append(msg, `{"jsonrpc":"2.0","method":`...)
	msg = append(msg, method...)
	if len(id) > 0 {
		msg = append(msg, `,"id":`...)
		msg = append(msg, id...)
	}
	return append(msg, '}')
}
