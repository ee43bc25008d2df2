// Package jsonwalk finds the members of a JSON object in bytes that
// encoding/json has already accepted (json.Valid, or a decode that
// succeeded), as sub-slices of those bytes. It exists so that a large
// message is run through encoding/json's scanner once, to validate it,
// and not again to find its top-level fields: for jq/eval's 1 MiB params
// each extra scanner pass cost about 5–13 ms.
//
// It is not a parser. On bytes that are not valid JSON it does not panic
// and does not loop, but what it returns is meaningless; callers must
// validate first. It never unescapes: a key with a backslash is reported
// as such (Member.Escaped) so the caller can fall back to encoding/json,
// which is what konnect/pagesplit.go does for pages too. DuplicateKey is
// the exception: it unescapes keys, through encoding/json, to compare them.
package jsonwalk

import (
	"encoding/json"
	"strings"
	"unicode"
)

// Member is one member of an object: Key is the key's bytes between the
// quotes, as written (escapes not decoded); Value is the value's bytes,
// without surrounding whitespace, as a json.RawMessage field would hold
// them.
type Member struct {
	Key   []byte
	Value []byte
}

// Plain reports whether the key is ASCII without escapes: the only keys
// for which a byte comparison (or ASCII case folding) agrees with
// encoding/json's key matching. encoding/json also folds some non-ASCII
// letters (the Kelvin sign matches "k", the long s matches "s"), so a key
// with any byte ≥ 0x80 is not plain either.
func (m Member) Plain() bool {
	for _, c := range m.Key {
		if c == '\\' || c >= 0x80 {
			return false
		}
	}
	return true
}

// Object calls fn for every member of the object b, in order, until fn
// returns false. ok is false when b is not an object (after leading
// whitespace) or fn stopped the walk.
func Object(b []byte, fn func(Member) bool) (ok bool) {
	i := SkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i++
	for {
		i = SkipSpace(b, i)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case '}':
			return true
		case ',':
			i++
			continue
		case '"':
		default:
			return false
		}
		end := StringEnd(b, i)
		if end-1 <= i {
			return false
		}
		key := b[i+1 : end-1]
		i = SkipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = SkipSpace(b, i+1)
		end = ValueEnd(b, i)
		if end <= i {
			return false
		}
		if !fn(Member{Key: key, Value: b[i:end:end]}) { // cap = len: an append copies
			return false
		}
		i = end
	}
}

// SkipSpace returns the index of the first byte at or after i that is not
// JSON whitespace.
func SkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// StringEnd returns the index just past the string that opens at b[i]
// (len(b) when it does not close).
func StringEnd(b []byte, i int) int {
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

// ValueEnd returns the index just past the value that starts at b[i].
func ValueEnd(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return StringEnd(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = StringEnd(b, i) - 1
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

// DuplicateKey returns the first key of the object b that repeats an
// earlier one, compared the way encoding/json matches a key to a field:
// after unescaping, and ignoring case under Unicode simple folding (as
// bytes.EqualFold does, so "ID", "id" and "\u0069d" are one key). ok is
// false when no key repeats or b is not an object. b must be valid JSON.
//
// encoding/json takes the last of repeated members, and another reader of
// the same bytes may take the first: the two would then act on different
// messages, so callers refuse such input instead of choosing.
func DuplicateKey(b []byte) (key string, ok bool) {
	seen := map[string]struct{}{}
	Object(b, func(m Member) bool {
		k := string(m.Key)
		if !m.Plain() {
			k = unescape(m.Key)
		}
		f := fold(k)
		if _, dup := seen[f]; dup {
			key, ok = k, true
			return false
		}
		seen[f] = struct{}{}
		return true
	})
	return key, ok
}

// unescape decodes a key's escapes. The key came from valid JSON, so the
// decode cannot fail; if it somehow did, the raw bytes stand in.
func unescape(raw []byte) string {
	var s string
	q := make([]byte, 0, len(raw)+2)
	q = append(append(append(q, '"'), raw...), '"')
	if json.Unmarshal(q, &s) != nil {
		return string(raw)
	}
	return s
}

// fold maps every rune to one member of its simple-folding orbit (the
// lower case of the orbit's smallest rune, so ASCII folds to lower case and
// a lower-case ASCII key is its own fold), so two strings fold alike
// exactly when strings.EqualFold holds.
func fold(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || ('A' <= c && c <= 'Z') {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		min := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < min {
				min = f
			}
		}
		b.WriteRune(unicode.ToLower(min))
	}
	return b.String()
}
