// Command gen writes the jq benchmark document to stdout, so `make bench`
// can feed the jq binary the same bytes BenchmarkEvalJSONWarm uses:
//
//	go run ./internal/benchdata/gen -size 1048576 > users.json
//	jq "$(go run ./internal/benchdata/gen -expr)" users.json
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/konnectd/konnectd/internal/benchdata"
)

func main() {
	size := flag.Int("size", 1<<20, "minimum document size in bytes")
	expr := flag.Bool("expr", false, "print the benchmark expression instead of the document")
	flag.Parse()
	if *expr {
		fmt.Println(benchdata.Expression)
		return
	}
	if _, err := os.Stdout.Write(benchdata.Users(*size)); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
