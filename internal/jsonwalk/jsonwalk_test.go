package jsonwalk

import (
	"bytes"
	"encoding/json"
	"strings"
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

// referenceDuplicate finds a repeated key the slow, obvious way: a token
// decoder unescapes every key and each is compared with every earlier one
// by strings.EqualFold, which is how encoding/json matches names.
func referenceDuplicate(b []byte) (string, bool, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", false, false
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return "", false, false
		}
		k := t.(string)
		for _, o := range keys {
			if strings.EqualFold(o, k) {
				return k, true, true
			}
		}
		keys = append(keys, k)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", false, false
		}
	}
	return "", false, true
}

func checkDuplicate(t *testing.T, b []byte) {
	t.Helper()
	if !json.Valid(b) {
		DuplicateKey(b) // must not panic
		return
	}
	want, wantDup, isObject := referenceDuplicate(b)
	got, dup := DuplicateKey(b)
	if !isObject {
		if dup {
			t.Fatalf("%s: not an object, yet key %q repeats", b, got)
		}
		return
	}
	if dup != wantDup || got != want {
		t.Fatalf("%s: DuplicateKey = %q, %v; the reference says %q, %v", b, got, dup, want, wantDup)
	}
}

func TestDuplicateKey(t *testing.T) {
	for _, s := range append(seeds, `{"a":1,"A":2}`, `{"method":1,"\u006dethod":2}`, `{"k":1,"\u212a":2}`,
		`{"s":1,"ſ":2}`, `{"é":1,"É":2}`, `{"a":{"b":1,"b":2}}`, `{"ab":1,"a":2,"b":3}`, `{"\u00e9":1,"é":1}`,
		"{\"\xff\":1,\"\xfe\":2}") {
		checkDuplicate(t, []byte(s))
	}
	if k, dup := DuplicateKey([]byte(`{"id":1,"ID":2}`)); !dup || k != "ID" {
		t.Fatalf("id/ID: %q %v", k, dup)
	}
	if _, dup := DuplicateKey([]byte(`{"a":{"b":1,"b":2}}`)); dup {
		t.Fatal("only the top level is compared")
	}
}

// FuzzDuplicateKey holds DuplicateKey to the reference on any input.
func FuzzDuplicateKey(f *testing.F) {
	for _, s := range append(seeds, `{"a":1,"A":2}`, `{"k":1,"\u212a":2}`, `{"s":1,"ſ":2}`) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkDuplicate(t, b) })
}
