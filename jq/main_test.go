package jq

import (
	"os"
	"testing"
)

// TestMain lets the test binary be its own jq worker, as the konnectd
// binary is in production: isolated engines in these tests start
// os.Args[0] with the worker variable set.
func TestMain(m *testing.M) {
	if IsWorker() {
		os.Exit(WorkerMain())
	}
	os.Exit(m.Run())
}
