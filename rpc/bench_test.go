package rpc

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/konnectd/konnectd/internal/benchdata"
	"github.com/konnectd/konnectd/jq"
)

// BenchmarkJQEval is e2e's BenchmarkJQDaemon in one process: jq/eval of
// the benchmark expression on the 1 MiB document, client and server on a
// real socket. It is here to be profiled (-cpuprofile sees both sides);
// docs/benchmarks.md records the e2e numbers, against the built daemon.
func BenchmarkJQEval(b *testing.B) {
	doc := benchdata.Users(1 << 20)
	ts := startServer(b, Options{}, JQMethods(jq.New(jq.Limits{})))
	c, err := Dial(context.Background(), ts.path, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	params, _ := json.Marshal(map[string]any{"expression": benchdata.Expression, "input": json.RawMessage(doc)})
	raw := json.RawMessage(params)
	var out json.RawMessage
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if err := c.Call(context.Background(), "jq/eval", &raw, &out); err != nil {
			b.Fatal(err)
		}
	}
	if len(out) < 2 || out[0] != '[' {
		b.Fatalf("unexpected result %.80s", out)
	}
}
