package jq

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// maxDepth is encoding/json's nesting limit; json.Valid refuses deeper
// input, so the decoder below never recurses further on checked bytes.
const maxDepth = 10000

// decodeChecked builds from data, which json.Valid has accepted, the value
// json.Unmarshal(data, &v) gives v of type any: map[string]any, []any,
// string, float64, bool and nil, numbers through strconv.ParseFloat as
// encoding/json does. It exists because encoding/json spent about 22 ms
// decoding jq/eval's 1 MiB document, mostly its scanner stepping through
// every byte and one allocation per key and string; this walk over the
// already checked bytes copies the input into one string once and makes
// every key and plain string a substring of it.
//
// The price of the substrings is that any of them still referenced (a
// result the caller keeps) keeps the whole input alive; jq results are
// encoded and dropped at once in the daemon, so that is fine there.
//
// ok is false whenever it might not agree with encoding/json, and the
// caller then runs json.Unmarshal: a string with escapes, control bytes or
// invalid UTF-8 (unescaping and U+FFFD repair are left to encoding/json,
// one string at a time), a number float64 cannot hold (encoding/json's
// error), or bytes that are not valid JSON after all (it never panics on
// them, but does not promise to notice).
func decodeChecked(data []byte) (v any, ok bool) {
	d := checkedDecoder{src: string(data)}
	d.space()
	v, ok = d.value(0)
	if !ok {
		return nil, false
	}
	d.space()
	if d.i != len(d.src) {
		return nil, false
	}
	return v, true
}

type checkedDecoder struct {
	src   string
	i     int
	hints []int // by depth, the size of the last object finished there
}

const (
	maxHint      = 64
	maxHintDepth = 64
)

func (d *checkedDecoder) space() {
	for d.i < len(d.src) {
		switch d.src[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *checkedDecoder) value(depth int) (any, bool) {
	if d.i >= len(d.src) || depth > maxDepth {
		return nil, false
	}
	switch d.src[d.i] {
	case '{':
		d.i++
		// Sized like the last object finished at this depth: the objects
		// of an array mostly share a shape, and growing a map past 8 keys
		// cost a fifth of the decode. Capped so that one odd object does
		// not make every later one large.
		hint := 0
		if depth < len(d.hints) {
			hint = d.hints[depth]
		}
		m := make(map[string]any, hint)
		for {
			d.space()
			if d.i >= len(d.src) {
				return nil, false
			}
			switch d.src[d.i] {
			case '}':
				d.i++
				for len(d.hints) <= depth && depth < maxHintDepth {
					d.hints = append(d.hints, 0)
				}
				if depth < len(d.hints) {
					d.hints[depth] = min(len(m), maxHint)
				}
				return m, true
			case ',':
				d.i++
				continue
			case '"':
			default:
				return nil, false
			}
			k, ok := d.string()
			if !ok {
				return nil, false
			}
			d.space()
			if d.i >= len(d.src) || d.src[d.i] != ':' {
				return nil, false
			}
			d.i++
			d.space()
			v, ok := d.value(depth + 1)
			if !ok {
				return nil, false
			}
			m[k] = v // a repeated key: the last one wins, as in encoding/json
		}
	case '[':
		d.i++
		a := make([]any, 0) // [] is an empty slice, not nil, as in encoding/json
		for {
			d.space()
			if d.i >= len(d.src) {
				return nil, false
			}
			switch d.src[d.i] {
			case ']':
				d.i++
				return a, true
			case ',':
				d.i++
				continue
			}
			v, ok := d.value(depth + 1)
			if !ok {
				return nil, false
			}
			a = append(a, v)
		}
	case '"':
		return d.string()
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	}
	start := d.i
	for d.i < len(d.src) && numberByte(d.src[d.i]) {
		d.i++
	}
	if d.i == start {
		return nil, false
	}
	f, err := strconv.ParseFloat(d.src[start:d.i], 64)
	if err != nil {
		return nil, false
	}
	return f, true
}

func (d *checkedDecoder) literal(word string) bool {
	if len(d.src)-d.i < len(word) || d.src[d.i:d.i+len(word)] != word {
		return false
	}
	d.i += len(word)
	return true
}

// string reads the string that opens at d.src[d.i]. A plain one (no
// escapes, no control bytes, valid UTF-8) is a substring of the input;
// any other is handed to encoding/json, which decides its unescaping and
// its repair of invalid UTF-8.
func (d *checkedDecoder) string() (string, bool) {
	start := d.i
	ascii := true
	for j := start + 1; j < len(d.src); j++ {
		switch c := d.src[j]; {
		case c == '"':
			s := d.src[start+1 : j]
			d.i = j + 1
			if ascii || utf8.ValidString(s) {
				return s, true
			}
			return d.slowString(start, j+1)
		case c == '\\':
			// Find the end, stepping over escaped characters.
			for j++; j < len(d.src); j++ {
				switch d.src[j] {
				case '\\':
					j++
				case '"':
					d.i = j + 1
					return d.slowString(start, j+1)
				}
			}
			return "", false
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", false
}

func (d *checkedDecoder) slowString(start, end int) (string, bool) {
	var s string
	if err := json.Unmarshal([]byte(d.src[start:end]), &s); err != nil {
		return "", false
	}
	return s, true
}

func numberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}
