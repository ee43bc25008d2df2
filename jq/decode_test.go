package jq

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/konnectd/konnectd/internal/benchdata"
)

// decodeSeeds are inputs where a decoder of its own could disagree with
// encoding/json: escapes, surrogates (paired, lone, reversed), invalid
// UTF-8 (repaired to U+FFFD), numbers at float64's edges and beyond,
// repeated keys, empty containers, whitespace everywhere.
var decodeSeeds = []string{
	`null`, `true`, `false`, `0`, `-0`, `1`, `-1.5e-3`, `1E+2`, `0.1`,
	`123456789012345678901234567890`, `9007199254740993`,
	`1e308`, `1e309`, `-1e400`, `4.9e-324`, `1e-400`,
	`""`, `"plain"`, `"é ü 日本 😀"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u0000"`,
	`"\ud83d\ude00"`, `"\ud83d"`, `"\ude00\ud83d"`, `"\ud83dx"`, `"\u2028<&>"`,
	"\"\xff\"", "\"a\xc3\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "{\"k\xff\":1}",
	`[]`, `{}`, ` [ 1 , [ ] , { } , "x" ] `, "\t{\n\"a\" :\r1 }\n",
	`{"a":1,"a":2}`, `{"a":{"b":[1,{"c":null}]},"A":true}`, `{"\u0061":1,"a":2}`,
	`[1e400]`, `{"x":[1,2,1e999,3]}`,
}

// TestDecodeCheckedMatchesEncodingJSON: wherever decodeChecked answers, it
// must build what json.Unmarshal builds, so gojq's results are the same
// bytes; and it must answer on every plain document.
func TestDecodeCheckedMatchesEncodingJSON(t *testing.T) {
	inputs := append([]string{string(benchdata.Users(64 << 10))}, decodeSeeds...)
	for _, in := range inputs {
		checkDecode(t, []byte(in))
	}
	if _, ok := decodeChecked(benchdata.Users(64 << 10)); !ok {
		t.Fatal("the benchmark document took the slow path")
	}
}

func checkDecode(t *testing.T, in []byte) {
	t.Helper()
	if !json.Valid(in) {
		t.Fatalf("seed %q is not valid JSON", in)
	}
	var want any
	wantErr := json.Unmarshal(in, &want)
	got, ok := decodeChecked(in)
	if !ok {
		return // the caller falls back to json.Unmarshal
	}
	if wantErr != nil {
		t.Fatalf("%.80q: decodeChecked accepted what json.Unmarshal refuses (%v)", in, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%.80q: decodeChecked gave %#v, json.Unmarshal %#v", in, got, want)
	}
}

// TestDecodeInputErrorsUnchanged: with the fast path in front, bad input
// still gets encoding/json's message.
func TestDecodeInputErrorsUnchanged(t *testing.T) {
	e := New(Limits{})
	for _, in := range []string{`{"a":1e400}`, `{"a":`, `[1,]`, `"\x01"`} {
		_, err := e.DecodeInput([]byte(in))
		var v any
		want := json.Unmarshal([]byte(in), &v)
		if err == nil || want == nil || err.Error() != "jq input is not valid JSON: "+want.Error() {
			t.Fatalf("%q: got %v, want the message of %v", in, err, want)
		}
	}
}

// FuzzDecodeChecked is the differential test on arbitrary valid JSON.
func FuzzDecodeChecked(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if !json.Valid(in) {
			decodeChecked(in) // must not panic, whatever it returns
			return
		}
		checkDecode(t, in)
	})
}

func BenchmarkDecodeInput(b *testing.B) {
	doc := benchdata.Users(1 << 20)
	e := New(Limits{})
	for _, bc := range []struct {
		name    string
		checked bool
	}{{"unchecked", false}, {"checked", true}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.decodeInput(doc, bc.checked); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("encoding/json", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := json.Unmarshal(doc, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
