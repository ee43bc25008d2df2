package rpc

import "time"

// workerIdle is how long a request goroutine waits for the next request
// before it exits. A burst leaves at most as many idle goroutines as it had
// requests running at once, and they are gone this long after it.
const workerIdle = 30 * time.Second

// workers runs each request on a goroutine that outlives it. A fresh
// goroutine starts on an 8 KiB stack and grows it, by copying, the first
// time a handler encodes JSON; on a trivial method that copy was about a
// tenth of the daemon's time per round trip. A reused goroutine keeps the
// stack it has grown. The Go runtime's own adaptive starting size does not
// help here: it averages over every goroutine, and most of the daemon's
// are idle readers with small stacks.
type workers struct {
	work chan func() // unbuffered: a send succeeds only to an idle worker
}

func newWorkers() *workers { return &workers{work: make(chan func())} }

// Go runs f on an idle worker, or on a new one when none is idle.
func (w *workers) Go(f func()) {
	select {
	case w.work <- f:
	default:
		go w.loop(f)
	}
}

func (w *workers) loop(f func()) {
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		f()
		idle.Reset(workerIdle)
		select {
		case f = <-w.work:
		case <-idle.C:
			return
		}
	}
}
