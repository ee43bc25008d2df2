package jq

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// workerEnv marks a process started as a jq worker and carries its
// settings (JSON of workerSettings). The worker's environment holds
// nothing else: the daemon's variables, KONGCTL_* credentials among them,
// never reach it.
const workerEnv = "KONNECTD_JQ_WORKER"

// workerSettings are what a worker is told at start.
type workerSettings struct {
	MaxExpr    int   `json:"maxExpr"`
	MaxInput   int64 `json:"maxInput"`
	MaxResults int   `json:"maxResults"`
	MaxOutput  int64 `json:"maxOutput"`
	Memory     int64 `json:"memory"`
}

// Exit codes of a worker that stops itself.
const (
	exitWorkerMemory = 3 // the heap watchdog saw more than the budget
	exitWorkerSetup  = 4 // bad settings
)

// IsWorker reports whether this process was started as a jq worker. The
// konnectd binary checks it first thing in main; a test binary that runs
// pools does the same in TestMain.
func IsWorker() bool { return os.Getenv(workerEnv) != "" }

// WorkerMain serves jq evaluations on stdin/stdout until stdin closes and
// returns the exit code. It is the whole life of a worker process.
func WorkerMain() int {
	var s workerSettings
	if err := json.Unmarshal([]byte(os.Getenv(workerEnv)), &s); err != nil || s.Memory <= 0 {
		fmt.Fprintln(os.Stderr, "konnectd jq worker: bad settings")
		return exitWorkerSetup
	}
	os.Unsetenv(workerEnv)
	// The hard cap first (Linux: RLIMIT_DATA; a larger allocation then
	// kills the process), then a soft one the collector works to: half
	// the budget, so garbage is collected long before the hard cap, and
	// the watchdog stops an evaluation whose live heap passes it.
	limitData(s.Memory)
	soft := s.Memory / 2
	debug.SetMemoryLimit(soft)
	debug.SetGCPercent(200) // as the daemon (cmd/konnectd/serve.go)
	debug.SetMaxStack(64 << 20)
	go watchHeap(soft)

	e := New(Limits{
		MaxExpr: s.MaxExpr, MaxInput: s.MaxInput, MaxResults: s.MaxResults, MaxOutput: s.MaxOutput,
		// The daemon owns the deadline: it kills this process when the
		// evaluation's time is up or its caller cancels.
		Timeout: 24 * time.Hour,
	})
	in := bufio.NewReaderSize(os.Stdin, 64<<10)
	out := bufio.NewWriterSize(os.Stdout, 64<<10)
	for {
		q, err := readRequest(in, e.limits.MaxExpr, e.limits.MaxInput)
		if err != nil {
			return 0 // stdin closed: the daemon is done with us, or gone
		}
		body, evalErr := serveOne(e, q)
		q.input = nil
		if err := writeResponse(out, body, evalErr); err != nil {
			return 0
		}
		// A large evaluation leaves the heap large; give it back now, while
		// the daemon has nothing for this worker to do.
		if heapBytes() > 64<<20 {
			debug.FreeOSMemory()
		}
	}
}

// serveOne runs one request; a panic (gojq on a value it does not expect)
// is that request's error, not the worker's end.
func serveOne(e *Engine, q wireRequest) (body []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			body, err = nil, newError(ErrRuntime, "jq filter failed: internal error in the jq engine")
		}
	}()
	ctx := context.Background()
	checked := q.flags&wireChecked != 0
	if q.flags&wireRaw != 0 {
		s, err := e.evalJSONRaw(ctx, q.expr, q.input, checked)
		return []byte(s), err
	}
	v, err := e.evalJSON(ctx, q.expr, q.input, checked)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, newError(ErrRuntime, "failed to encode filtered result: "+err.Error())
	}
	return b, nil
}

var heapSample = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}

// heapBytes is the memory in heap objects, live or not yet swept. Reading
// it does not stop the world, unlike runtime.ReadMemStats.
func heapBytes() int64 {
	metrics.Read(heapSample)
	return int64(heapSample[0].Value.Uint64())
}

// watchHeap ends the process when the heap passes limit: between two
// samples an evaluation allocates at most a few MB more, and the
// daemon, seeing the exit code, reports the evaluation as over its memory
// limit. One allocation larger than what is left of the hard cap ends
// the process on its own (see limitData).
func watchHeap(limit int64) {
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	for range t.C {
		if heapBytes() > limit {
			os.Exit(exitWorkerMemory)
		}
	}
}
