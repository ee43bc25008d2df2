package jq

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/konnectd/konnectd/internal/benchdata"
)

// BenchmarkEvalWarm runs the typical filter on a 1 MiB document with the
// expression already cached: the steady state of a daemon.
func BenchmarkEvalWarm(b *testing.B) {
	doc := benchdata.Users(1 << 20)
	var in any
	if err := json.Unmarshal(doc, &in); err != nil {
		b.Fatal(err)
	}
	e := New(Limits{})
	if _, err := e.Compile(benchdata.Expression); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Eval(context.Background(), benchdata.Expression, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvalJSONWarm includes decoding the raw bytes, which is what
// jq/eval pays and what the jq binary pays too.
func BenchmarkEvalJSONWarm(b *testing.B) {
	doc := benchdata.Users(1 << 20)
	e := New(Limits{})
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.EvalJSONRaw(context.Background(), benchdata.Expression, doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompileCold(b *testing.B) {
	for b.Loop() {
		e := New(Limits{})
		if _, err := e.Compile(benchdata.Expression); err != nil {
			b.Fatal(err)
		}
	}
}
