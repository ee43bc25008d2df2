package rpc

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/konnectd/konnectd/internal/benchdata"
)

// marshalSeeds are raw params where marshalParams could differ from
// json.Marshal: whitespace inside and outside strings, what compaction
// escapes, escaped quotes, invalid JSON.
var marshalSeeds = []string{
	`{"expression":".","input":{"a":[1,2]}}`, `{"a":"x y"}`, `{"a": 1}`, ` {"a":1}`, "{\"a\":1}\n",
	`{"a":"<&>"}`, `{"a":"\u2028"}`, "{\"a\":\"\u2028\u2029\"}", `{"a":"q\" x"}`, `{"a":"\\"} `,
	"[1,\t2]", `{"a":`, `nul`, `"é ☃"`, "\"\xff\"", `1`,
}

// TestMarshalParamsIsMarshal: the params Call sends are json.Marshal's,
// byte for byte, or json.Marshal's error.
func TestMarshalParamsIsMarshal(t *testing.T) {
	for _, s := range marshalSeeds {
		checkMarshalParams(t, []byte(s))
	}
	var nilRaw *json.RawMessage
	for _, p := range []any{nilRaw, json.RawMessage(nil), map[string]int{"a": 1}} {
		got, err := marshalParams(p)
		want, werr := json.Marshal(p)
		if string(got) != string(want) || (err == nil) != (werr == nil) {
			t.Fatalf("%#v: got %s, %v; json.Marshal %s, %v", p, got, err, want, werr)
		}
	}
}

func checkMarshalParams(t *testing.T, b []byte) {
	t.Helper()
	raw := json.RawMessage(b)
	for _, p := range []any{raw, &raw} {
		got, err := marshalParams(p)
		want, werr := json.Marshal(p)
		if !bytes.Equal(got, want) || (err == nil) != (werr == nil) {
			t.Fatalf("%q: got %q, %v; json.Marshal %q, %v", b, got, err, want, werr)
		}
	}
}

// FuzzMarshalParams is the differential test on arbitrary bytes.
func FuzzMarshalParams(f *testing.F) {
	for _, s := range marshalSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkMarshalParams(t, b) })
}

func BenchmarkMarshalParams(b *testing.B) {
	params, _ := json.Marshal(map[string]any{"expression": benchdata.Expression, "input": json.RawMessage(benchdata.Users(1 << 20))})
	raw := json.RawMessage(params)
	b.SetBytes(int64(len(raw)))
	b.Run("compactAsMarshalled", func(b *testing.B) {
		for b.Loop() {
			if !compactAsMarshalled(raw) {
				b.Fatal("not compact")
			}
		}
	})
	b.Run("marshalParams", func(b *testing.B) {
		for b.Loop() {
			marshalParams(&raw)
		}
	})
	b.Run("json.Marshal", func(b *testing.B) {
		for b.Loop() {
			json.Marshal(&raw)
		}
	})
}
