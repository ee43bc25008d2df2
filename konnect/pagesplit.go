package konnect

import (
	"bytes"
	"encoding/json"

	"github.com/konnectd/konnectd/internal/jsonwalk"
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
	found := false
	walked := jsonwalk.Object(body, func(m jsonwalk.Member) bool {
		if bytes.IndexByte(m.Key, '\\') >= 0 {
			return false
		}
		if !bytes.EqualFold(m.Key, []byte("data")) {
			return true
		}
		if found {
			return false
		}
		found = true
		items, ok = arrayItems(m.Value)
		return ok
	})
	if !walked {
		return nil, false
	}
	return items, true // no "data" at all: nil, as encoding/json leaves it
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
		i = jsonwalk.SkipSpace(v, i)
		switch {
		case i >= len(v):
			return nil, false
		case v[i] == ']':
			return items, true
		case v[i] == ',':
			i++
			continue
		}
		end := jsonwalk.ValueEnd(v, i)
		items = append(items, v[i:end:end]) // cap = len: an append copies
		i = end
	}
}
