package rpc

import (
	"strings"
	"testing"
)

// TestTooDeepStillAnswersItsID: valid JSON nested past encoding/json's
// limit used to get -32700 with id null, so its sender never saw an
// answer to its id.
func TestTooDeepStillAnswersItsID(t *testing.T) {
	deep := strings.Repeat("[", 10_001) + strings.Repeat("]", 10_001)
	for _, tc := range []struct{ msg, id string }{
		{`{"jsonrpc":"2.0","id":9,"method":"jq/eval","params":{"input":` + deep + `}}`, "9"},
		{`{"jsonrpc":"2.0","params":{"input":` + deep + `,"id":"inner"},"id":"outer","method":"x"}`, `"outer"`},
		{`{"params":` + deep + `, "id" : "a\"b" ,"jsonrpc":"2.0","method":"x"}`, `"a\"b"`},
		{`{"jsonrpc":"2.0","method":"x","params":` + deep + `}`, ""},
	} {
		var env envelope
		err := decodeMessage([]byte(tc.msg), &env, nil, &paramsHandoff{})
		fe, ok := err.(*frameError)
		if !ok || fe.code != CodeInvalidRequest || !strings.Contains(fe.msg, "deeper than 10000") {
			t.Fatalf("%.60s…: got %v", tc.msg, err)
		}
		if string(fe.id) != tc.id {
			t.Errorf("%.60s…: id %s, want %s", tc.msg, fe.id, tc.id)
		}
	}
	if tooDeep([]byte(`{"a":"[[[[` + strings.Repeat("[", 20_000) + `"}`)) {
		t.Error("brackets inside a string counted as nesting")
	}
}
