package jsonwalk

import (
	"bytes"
	"encoding/json"
	"testing"
)

var seeds = []string{
	`{}`, ` { "a" : 1 , "b" : [ 1, {"c":"}"} ] , "d":"x\"y" } `, `{"a":{"b":{}},"e":null,"f":true,"g":-1.5e3}`,
	`{"\u0061":1}`, `{"a":"\\","b":2}`, `[1]`, `"s"`, `{"a":1,"a":2}`,
}

// TestObjectMatchesUnmarshal: on valid JSON, every member Object reports
// is the raw value encoding/json gives its key (plain keys, each once).
func TestObjectMatchesUnmarshal(t *testing.T) {
	for _, s := range seeds {
		check(t, []byte(s))
	}
}

func check(t *testing.T, b []byte) {
	t.Helper()
	var want map[string]json.RawMessage
	if !json.Valid(b) || json.Unmarshal(b, &want) != nil || want == nil {
		Object(b, func(Member) bool { return true }) // must not panic
		return
	}
	seen := map[string]int{}
	var got []Member
	if !Object(b, func(m Member) bool { got = append(got, m); return true }) {
		t.Fatalf("%s: an object was not walked", b)
	}
	for _, m := range got {
		seen[string(m.Key)]++
	}
	for _, m := range got {
		if !m.Plain() || seen[string(m.Key)] > 1 {
			continue
		}
		if w, ok := want[string(m.Key)]; !ok || !bytes.Equal(w, m.Value) {
			t.Fatalf("%s: key %s walked as %s, unmarshalled as %s", b, m.Key, m.Value, w)
		}
	}
	if len(seen) != len(want) && allPlain(got) {
		t.Fatalf("%s: walked %d keys, unmarshalled %d", b, len(seen), len(want))
	}
}

func allPlain(ms []Member) bool {
	for _, m := range ms {
		if !m.Plain() {
			return false
		}
	}
	return true
}

func FuzzObject(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { check(t, b) })
}
