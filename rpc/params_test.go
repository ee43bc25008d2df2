package rpc

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
)

// TestParamsReachTheirRequests pipelines requests with distinct params in
// one write, with notifications, requests without params and broken
// messages between them: the params the stream keeps for a handler (see
// paramsHandoff) must always be its own request's, and decode as they did
// when jsonrpc2 re-encoded them (invalid UTF-8 becomes U+FFFD either way).
func TestParamsReachTheirRequests(t *testing.T) {
	ts := startServer(t, Options{}, testMethods(nil, new(atomic.Int32)))
	c, r := ts.raw(t)
	var batch strings.Builder
	want := map[string]string{} // id → result or error code
	for i := range 200 {
		switch i % 5 {
		case 0:
			text := fmt.Sprintf("text %d <&> é", i)
			fmt.Fprintf(&batch, `{"jsonrpc":"2.0","id":%d,"method":"test/echo","params":{"text":%q}}`+"\n", i, text)
			res, _ := json.Marshal(text)
			want[fmt.Sprint(i)] = string(res)
		case 1:
			// Whitespace inside, params first, a string id, a raw invalid byte.
			fmt.Fprintf(&batch, `{ "params" : { "count" : %d , "text" : "x%d`+"\xff"+`" } , "method" : "test/echo" , "id" : "s%d" , "jsonrpc" : "2.0" }`+"\n", i, i, i)
			want[fmt.Sprintf(`"s%d"`, i)] = fmt.Sprintf(`"x%d`+"\uFFFD"+`"`, i)
		case 2:
			// A notification with params, then a request without any.
			fmt.Fprintf(&batch, `{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"none%d"}}`+"\n", i)
			fmt.Fprintf(&batch, `{"jsonrpc":"2.0","id":%d,"method":"test/echo"}`+"\n", i)
			want[fmt.Sprint(i)] = fmt.Sprint(CodeInvalidParams)
		case 3:
			// A message that fails after its envelope was read (jsonrpc2
			// refuses a fractional id), then one without params and one
			// with null params: none may see params left over.
			fmt.Fprintf(&batch, `{"jsonrpc":"2.0","id":%d.5,"method":"test/echo","params":{"text":"leak"}}`+"\n", i)
			want[fmt.Sprintf("%d.5", i)] = fmt.Sprint(CodeInvalidRequest)
			fmt.Fprintf(&batch, `{"jsonrpc":"2.0","id":%d,"method":"test/echo"}`+"\n", i)
			want[fmt.Sprint(i)] = fmt.Sprint(CodeInvalidParams)
			fmt.Fprintf(&batch, `{"jsonrpc":"2.0","id":"n%d","method":"test/echo","params":null}`+"\n", i)
			want[fmt.Sprintf(`"n%d"`, i)] = fmt.Sprint(CodeInvalidParams)
		case 4:
			fmt.Fprintf(&batch, `{"jsonrpc":"2.0","id":%d,"method":"test/echo","params":{"text":"%s"}}`+"\n", i, strings.Repeat("y", 100_000+i))
			want[fmt.Sprint(i)] = `"` + strings.Repeat("y", 100_000+i) + `"`
		}
	}
	go io.WriteString(c, batch.String())
	got := map[string]string{}
	for range want {
		rep := readLineReply(t, r)
		if rep.Error != nil {
			got[string(rep.ID)] = fmt.Sprint(rep.Error.Code)
		} else {
			got[string(rep.ID)] = string(rep.Result)
		}
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("id %s: got %.60q, want %.60q", id, got[id], w)
		}
	}
}
