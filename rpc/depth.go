package rpc

import (
	"bytes"
	"encoding/json"
)

// maxNesting is encoding/json's nesting limit: json.Valid and
// json.Unmarshal refuse a deeper message with a syntax error, although the
// message is valid JSON and may carry an id its sender waits on.
const maxNesting = 10000

// tooDeep reports whether b nests arrays and objects deeper than
// maxNesting. It scans iteratively (no recursion to blow a stack), skipping
// strings, and reads nothing else.
func tooDeep(b []byte) bool {
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			i = skipString(b, i)
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

// skipString returns the index of the quote that closes the string opened
// at b[i], or len(b) when it never closes.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return len(b)
}

// shallowID is the top-level "id" member of the object b, found without
// decoding its nested values: a too-deep message is still answered with
// the id it was sent with. nil when b has no such member or it is not a
// scalar a JSON-RPC id can be.
func shallowID(b []byte) json.RawMessage {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil
	}
	depth := 0
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		case '"':
			end := skipString(b, i)
			if depth == 1 && end < len(b) && string(b[i:end+1]) == `"id"` {
				j := end + 1
				for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r') {
					j++
				}
				if j < len(b) && b[j] == ':' {
					return scalarAt(b, j+1)
				}
			}
			i = end
		}
	}
	return nil
}

// scalarAt reads the string, number or null value starting at or after
// b[i] and returns it if it is a valid id.
func scalarAt(b []byte, i int) json.RawMessage {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	if i >= len(b) {
		return nil
	}
	end := i
	if b[i] == '"' {
		end = skipString(b, i) + 1
	} else {
		for end < len(b) && bytes.IndexByte([]byte(",} \t\r\n"), b[end]) < 0 {
			end++
		}
	}
	if end > len(b) || !json.Valid(b[i:end]) {
		return nil
	}
	return validID(json.RawMessage(b[i:end]))
}
