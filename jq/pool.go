package jq

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Workers configures Engine.Isolate: evaluations run in child processes
// that the daemon can measure and stop, not in the daemon itself.
type Workers struct {
	// Command starts a worker: the konnectd executable itself, which
	// checks IsWorker first thing in main. Command[0] is the path.
	Command []string
	// Count is how many evaluations run at once, daemon-wide; more wait
	// for a free worker within their own deadline. Default 2.
	Count int
	// Memory is each worker's memory budget in bytes: on Linux the hard
	// cap (RLIMIT_DATA) of what it maps beyond its idle footprint; an
	// evaluation whose heap passes half of it is stopped. Default 256 MiB.
	Memory int64
}

// DefaultWorkers are the defaults of Workers' zero fields.
const (
	DefaultWorkerCount  = 2
	DefaultWorkerMemory = 256 << 20
)

func (w Workers) withDefaults() Workers {
	if w.Count <= 0 {
		w.Count = DefaultWorkerCount
	}
	if w.Memory <= 0 {
		w.Memory = DefaultWorkerMemory
	}
	return w
}

// pool keeps up to cfg.Count worker processes. A worker serves one
// evaluation at a time; at the deadline or on cancellation it is killed
// (its CPU stops with it) and a new one is started when next needed.
type pool struct {
	cfg      Workers
	settings []byte // JSON of workerSettings, the worker's one variable
	slots    chan struct{}
	maxBody  int64
	maxOut   int64 // Limits.MaxOutput, for the message when maxBody trips

	mu   sync.Mutex
	idle []*worker

	// Idle workers are ended after idleFor unused, so a daemon that ran
	// one jq call an hour ago does not keep two processes around.
	idleFor  time.Duration
	reapOnce sync.Once
	done     chan struct{}
	doneOnce sync.Once
}

// defaultIdleFor is how long an unused worker is kept.
const defaultIdleFor = 2 * time.Minute

func newPool(cfg Workers, l Limits) (*pool, error) {
	cfg = cfg.withDefaults()
	if len(cfg.Command) == 0 || cfg.Command[0] == "" {
		return nil, errors.New("jq workers: no command to start them with")
	}
	s, err := json.Marshal(workerSettings{MaxExpr: l.MaxExpr, MaxInput: l.MaxInput,
		MaxResults: l.MaxResults, MaxOutput: l.MaxOutput, Memory: cfg.Memory})
	if err != nil {
		return nil, err
	}
	return &pool{
		cfg: cfg, settings: s, slots: make(chan struct{}, cfg.Count),
		// approxSize, which enforces MaxOutput in the worker, counts an
		// escaped byte as one (\u0001 is six): twice the cap leaves room
		// for ordinary escaping without letting each evaluation hand the
		// daemon 48 MiB, which it copies twice more to reply.
		maxBody: 2*l.MaxOutput + 1<<20,
		maxOut:  l.MaxOutput,
		idleFor: defaultIdleFor,
		done:    make(chan struct{}),
	}, nil
}

// worker is one child process and the daemon's ends of its pipes.
type worker struct {
	cmd    *exec.Cmd
	in     *os.File
	out    *os.File
	w      *bufio.Writer
	r      *bufio.Reader
	stderr *headBuffer
	exited chan struct{} // closed once the process is reaped
	idle   time.Time     // when it was last released
}

func (p *pool) start() (*worker, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start jq worker: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, fmt.Errorf("start jq worker: %w", err)
	}
	cmd := exec.Command(p.cfg.Command[0], p.cfg.Command[1:]...)
	cmd.Args[0] = "konnectd-jq-worker" // what ps shows, rather than /proc/self/exe
	cmd.Env = []string{workerEnv + "=" + string(p.settings)}
	cmd.Stdin, cmd.Stdout = inR, outW
	w := &worker{cmd: cmd, in: inW, out: outR, stderr: &headBuffer{max: 4 << 10}, exited: make(chan struct{})}
	cmd.Stderr = w.stderr
	cmd.SysProcAttr = workerSysProcAttr()
	err = cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, fmt.Errorf("start jq worker: %w", err)
	}
	w.w = bufio.NewWriterSize(inW, 64<<10)
	w.r = bufio.NewReaderSize(outR, 64<<10)
	go func() {
		_ = cmd.Wait()
		close(w.exited)
	}()
	return w, nil
}

// kill ends the worker at once and waits until it is reaped.
func (w *worker) kill() {
	_ = w.cmd.Process.Kill()
	<-w.exited
	w.in.Close()
	w.out.Close()
}

// acquire takes a slot and a worker for it, starting one if none is idle.
func (p *pool) acquire(ctx context.Context) (*worker, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, &busyError{ctx.Err(), p.cfg.Count}
	}
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		w := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return w, nil
	}
	p.mu.Unlock()
	w, err := p.start()
	if err != nil {
		<-p.slots
		return nil, err
	}
	return w, nil
}

// release returns a healthy worker to the pool, or drops a dead one.
func (p *pool) release(w *worker, healthy bool) {
	select {
	case <-p.done:
		healthy = false // closed meanwhile: keep nothing
	default:
	}
	if healthy {
		w.idle = time.Now()
		p.mu.Lock()
		p.idle = append(p.idle, w)
		p.mu.Unlock()
		p.reapOnce.Do(func() { go p.reap() })
	} else {
		w.kill()
	}
	<-p.slots
}

// reap ends workers idle for longer than idleFor, until close.
func (p *pool) reap() {
	t := time.NewTicker(max(p.idleFor/4, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
		}
		var stale []*worker
		p.mu.Lock()
		keep := p.idle[:0]
		for _, w := range p.idle {
			if time.Since(w.idle) > p.idleFor {
				stale = append(stale, w)
			} else {
				keep = append(keep, w)
			}
		}
		clear(p.idle[len(keep):])
		p.idle = keep
		p.mu.Unlock()
		for _, w := range stale {
			w.kill()
		}
	}
}

// close ends every idle worker; running ones end with their evaluation.
func (p *pool) close() {
	p.doneOnce.Do(func() { close(p.done) })
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, w := range idle {
		w.kill()
	}
}

type outcome struct {
	body    []byte
	evalErr error
	err     error
}

// eval runs one request on a worker under ctx. ctx ending kills the
// worker, whatever it is doing; the caller turns ctx's error into the
// timeout or cancellation it reports.
func (p *pool) eval(ctx context.Context, q wireRequest) ([]byte, error) {
	w, err := p.acquire(ctx)
	if err != nil {
		return nil, err
	}
	done := make(chan outcome, 1)
	go func() {
		var o outcome
		if o.err = writeRequest(w.w, q); o.err == nil {
			o.body, o.evalErr, o.err = readResponse(w.r, p.maxBody)
		}
		done <- o
	}()
	select {
	case o := <-done:
		if o.err != nil {
			p.release(w, false)
			return nil, p.died(w, o.err)
		}
		p.release(w, true)
		if o.evalErr != nil {
			return nil, o.evalErr
		}
		return o.body, nil
	case <-ctx.Done():
		p.release(w, false) // kill: the pipes close and the goroutine ends
		<-done
		return nil, ctx.Err()
	}
}

// died explains a worker that stopped answering. The worker recovers from
// panics itself, so a death is the memory cap (the watchdog's exit code,
// or the runtime failing an allocation past RLIMIT_DATA), a stack
// overflow, or something this package cannot name. The worker's stderr
// is read to tell which but never logged: a Go crash report can quote
// values.
func (p *pool) died(w *worker, ioErr error) error {
	<-w.exited
	code := w.cmd.ProcessState.ExitCode()
	head := w.stderr.String()
	mib := p.cfg.Memory >> 20
	switch {
	case errors.Is(ioErr, errBodyTooLarge):
		return newError(ErrLimit, fmt.Sprintf("jq output is too large (limit %d bytes)", p.maxOut))
	case code == exitWorkerMemory,
		strings.Contains(head, "out of memory"),
		strings.Contains(head, "cannot allocate memory"),
		strings.Contains(head, "failed to allocate"), // the race detector's runtime
		strings.Contains(head, "SIGSEGV"),            // the runtime after a refused mmap
		strings.Contains(head, "stack exceeds"):
		return newError(ErrLimit, fmt.Sprintf("jq filter used more memory than its limit (%d MiB) and was stopped", mib))
	}
	return newError(ErrRuntime, fmt.Sprintf("jq filter failed: the jq worker stopped unexpectedly (%s)", w.cmd.ProcessState))
}

var errBodyTooLarge = errors.New("jq worker: result too large")

// busyError is a deadline or cancellation that came while every worker
// was busy: the message says so, since the expression itself never ran.
type busyError struct {
	err   error
	count int
}

func (e *busyError) Error() string { return e.err.Error() }
func (e *busyError) Unwrap() error { return e.err }

// headBuffer keeps the first max bytes written to it: the line a Go crash
// report starts with says why; the goroutine dump after it does not matter.
type headBuffer struct {
	mu  sync.Mutex
	max int
	b   bytes.Buffer
}

func (h *headBuffer) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if room := h.max - h.b.Len(); room > 0 {
		h.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (h *headBuffer) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.b.String()
}
