package konnect

import (
	"bytes"
	"encoding/json"
)

// dataItems finds the elements of the top-level "data" array in body, a
// JSON object that encoding/json has already accepted, and returns them as
// sub-slices of body: the bytes a []json.RawMessage would hold, without
// a second pass of encoding/json's scanner over the page and a copy of
// every item. ok is false whenever it could disagree with encoding/json
// about which member is "data": a key spelled with escapes, or two keys
// that both match (encoding/json matches keys case-insensitively and
// keeps the last); the caller then decodes the page the slow way.
func dataItems(body []byte) (items []json.RawMessage, ok bool) {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return nil, false
	}
	i++
	found := false
	for {
		i = skipSpace(body, i)
		if i >= len(body) {
			return nil, false
		}
		switch body[i] {
		case '}':
			return items, true // no "data" at all: nil, as encoding/json leaves it
		case ',':
			i++
			continue
		case '"':
		default:
			return nil, false
		}
		end := stringEnd(body, i)
		key := body[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return nil, false
		}
		i = skipSpace(body, end)
		if i >= len(body) || body[i] != ':' {
			return nil, false
		}
		i = skipSpace(body, i+1)
		end = valueEnd(body, i)
		if bytes.EqualFold(key, []byte("data")) {
			if found {
				return nil, false
			}
			found = true
			if items, ok = arrayItems(body[i:end]); !ok {
				return nil, false
			}
		}
		i = end
	}
}

// arrayItems splits a JSON array (or null) into its elements.
func arrayItems(v []byte) ([]json.RawMessage, bool) {
	if bytes.Equal(v, []byte("null")) {
		return nil, true
	}
	if len(v) < 2 || v[0] != '[' {
		return nil, false
	}
	items := []json.RawMessage{} // [] decodes to an empty slice, not nil
	for i := 1; ; {
		i = skipSpace(v, i)
		switch {
		case i >= len(v):
			return nil, false
		case v[i] == ']':
			return items, true
		case v[i] == ',':
			i++
			continue
		}
		end := valueEnd(v, i)
		items = append(items, v[i:end:end]) // cap = len: an append copies
		i = end
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index just past the string that opens at b[i].
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// valueEnd returns the index just past the value that starts at b[i].
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = stringEnd(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return len(b)
	}
	for ; i < len(b); i++ { // a number, true, false or null
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
	}
	return i
}
