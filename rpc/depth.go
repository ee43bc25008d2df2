package rpc

import (
	"encoding/json"

	"github.com/konnectd/konnectd/internal/jsonwalk"
)

// maxNesting is encoding/json's nesting limit: json.Valid and
// json.Unmarshal refuse a deeper message with a syntax error, although the
// message may be valid JSON and carry an id its sender waits on.
const maxNesting = 10000

// tooDeep reports whether b nests arrays and objects deeper than
// maxNesting. It scans iteratively (no recursion to blow a stack),
// skipping strings, and checks nothing else: bytes that are broken as
// well as deep are reported as too deep.
func tooDeep(b []byte) bool {
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			i = jsonwalk.StringEnd(b, i) - 1
		case '[', '{':
			if depth++; depth > maxNesting {
				return true
			}
		case ']', '}':
			depth--
		}
	}
	return false
}

// shallowID is the top-level "id" member of the object b, found by
// jsonwalk without decoding the nested values, so a too-deep message is
// still answered with the id it was sent with. nil when b has no such
// member or it is not an id (jsonwalk does not validate: the value is
// checked here).
func shallowID(b []byte) json.RawMessage {
	var id json.RawMessage
	jsonwalk.Object(b, func(m jsonwalk.Member) bool {
		if string(m.Key) != "id" {
			return true
		}
		if json.Valid(m.Value) {
			id = validID(json.RawMessage(m.Value))
		}
		return false
	})
	return id
}
