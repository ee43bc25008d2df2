package rpc

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// envelopeSeeds are messages where walkEnvelope could disagree with
// json.Unmarshal: keys in other cases, with escapes or with letters
// encoding/json folds, repeated fields, odd "jsonrpc" values, whitespace.
var envelopeSeeds = []string{
	`{"jsonrpc":"2.0","id":1,"method":"jq/eval","params":{"expression":".","input":[1]}}`,
	` { "params" : [ ] , "method" : "x" , "id" : "s" , "jsonrpc" : "2.0" } `,
	`{"jsonrpc":"2.0","id":null,"result":{"a":1}}`,
	`{"jsonrpc":"2.0","id":2,"error":{"code":-1,"message":"m"}}`,
	`{"JSONRPC":"2.0","ID":1,"Method":"m","PARAMS":{}}`,
	`{"jsonrpc":"2.0","jsonrpc":"1.0","method":"m"}`,
	`{"jsonrpc":null,"method":"m"}`, `{"jsonrpc":2,"method":"m"}`, `{"jsonrpc":"2\u002e0","method":"m"}`,
	`{"jsonrpc":"2.0","\u006dethod":"m"}`, `{"jsonrpc":"2.0","meſhod":"m","id":1}`, `{"jsonrpc":"2.0","\u212a":1}`,
	`{"jsonrpc":"2.0","method":"m","method":"n"}`, `{"jsonrpc":"2.0","method":null,"params":null}`,
	`{"jsonrpc":"2.0","method":"m","extra":{"id":5},"id":[1]}`, `{}`,
}

// TestWalkEnvelopeMatchesUnmarshal: whenever walkEnvelope reads a message,
// it reads what json.Unmarshal reads.
func TestWalkEnvelopeMatchesUnmarshal(t *testing.T) {
	for _, s := range envelopeSeeds {
		checkEnvelope(t, []byte(s))
	}
	var walked envelope
	if !walkEnvelope([]byte(envelopeSeeds[0]), &walked) {
		t.Fatal("a plain request took the slow path")
	}
}

func checkEnvelope(t *testing.T, msg []byte) {
	t.Helper()
	var want, got envelope
	if err := json.Unmarshal(msg, &want); err != nil || msg[0] != '{' {
		return // decodeMessage only walks objects json.Unmarshal accepts
	}
	if !walkEnvelope(msg, &got) {
		return
	}
	if !reflect.DeepEqual(normEnvelope(got), normEnvelope(want)) {
		t.Fatalf("%s: walked %+v, unmarshalled %+v", msg, normEnvelope(got), normEnvelope(want))
	}
}

func normEnvelope(e envelope) map[string]any {
	m := map[string]any{"id": string(e.ID), "method": string(e.Method), "params": string(e.Params), "result": string(e.Result), "error": string(e.Error)}
	if e.JSONRPC != nil {
		m["jsonrpc"] = *e.JSONRPC
	}
	return m
}

// jqParamsSeeds are params where JQParams.walkDecode could disagree with
// the strict decoder.
var jqParamsSeeds = []string{
	`{"expression":".","input":{"a":1},"rawOutput":true}`,
	`{"input":null,"expression":".a"}`, `{"expression":".","rawOutput":false}`,
	`{"expression":".","rawOutput":null}`, `{"expression":".","rawOutput":1}`,
	`{"Expression":"."}`, `{"expression":"\u002e"}`, `{"expression":"é"}`, "{\"expression\":\"\xff\"}",
	`{"expression":".","expression":".a"}`, `{"expression":null}`, `{"expression":1}`,
	`{"expression":".","extra":1}`, `{}`, ` { "expression" : "." , "input" : [ 1 , 2 ] } `,
}

// TestJQWalkDecodeMatchesStrict: whenever walkDecode reads params, it reads
// what the strict decoder reads, and the strict decoder accepts them.
func TestJQWalkDecodeMatchesStrict(t *testing.T) {
	for _, s := range jqParamsSeeds {
		checkJQParams(t, []byte(s))
	}
	var p JQParams
	if !p.walkDecode([]byte(jqParamsSeeds[0])) {
		t.Fatal("plain params took the slow path")
	}
}

func checkJQParams(t *testing.T, raw []byte) {
	t.Helper()
	var got JQParams
	if !json.Valid(raw) || !got.walkDecode(raw) {
		return
	}
	var want JQParams
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("%s: walked, but the strict decoder says %v", raw, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: walked %+v, strict %+v", raw, got, want)
	}
}

// FuzzWalk is the differential test of both walks on arbitrary input.
func FuzzWalk(f *testing.F) {
	for _, s := range append(envelopeSeeds, jqParamsSeeds...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		if !json.Valid(msg) {
			return
		}
		checkEnvelope(t, msg)
		checkJQParams(t, msg)
	})
}
