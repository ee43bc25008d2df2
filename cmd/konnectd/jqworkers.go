package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/jq"
)

// jqOptions are the daemon's jq limits (serve and mcp): every jq/eval and
// every format.jq / --jq the daemon evaluates runs in one of its worker
// processes under them.
type jqOptions struct {
	workers int
	memory  int64 // MiB
	timeout time.Duration
}

func (o *jqOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.IntVar(&o.workers, "jq-workers", jq.DefaultWorkerCount, "jq evaluations run at once, daemon-wide, each in its own worker process; more wait within their deadline")
	f.Int64Var(&o.memory, "jq-memory", jq.DefaultWorkerMemory>>20, "memory of each jq worker process, in MiB; an evaluation that needs more is stopped")
	f.DurationVar(&o.timeout, "jq-timeout", jq.DefaultLimits().Timeout, "wall-clock limit of one jq evaluation, waiting for a worker included")
}

// engine builds the daemon's jq engine: in-process compiling (the cache,
// early validation), evaluation in workers started from this executable.
func (o *jqOptions) engine() (*jq.Engine, error) {
	if o.workers <= 0 || o.memory <= 0 || o.timeout <= 0 {
		return nil, usageError("--jq-workers, --jq-memory and --jq-timeout must be positive")
	}
	l := jq.DefaultLimits()
	l.Timeout = o.timeout
	e := jq.New(l)
	self, err := selfExecutable()
	if err != nil {
		return nil, fmt.Errorf("jq workers: %w", err)
	}
	if err := e.Isolate(jq.Workers{Command: []string{self}, Count: o.workers, Memory: o.memory << 20}); err != nil {
		return nil, err
	}
	return e, nil
}

// selfExecutable is the path that starts this same binary. /proc/self/exe
// where there is one: it stays this binary even after an upgrade replaced
// the file, and a worker must speak its daemon's (private) protocol.
func selfExecutable() (string, error) {
	if _, err := os.Stat("/proc/self/exe"); err == nil {
		return "/proc/self/exe", nil
	}
	return os.Executable()
}
