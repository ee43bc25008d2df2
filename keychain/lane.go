package keychain

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// errPending is the cause given to callers turned away because too many
// earlier calls that their callers gave up on are still running.
var errPending = errors.New("earlier keychain requests are still waiting for an answer")

// maxAbandoned bounds the keychain calls that may hang at once. Each holds
// a goroutine (and, on Linux, whatever godbus holds for it) until the call
// returns, which may be never: a Secret Service that accepts and never
// answers leaves them all hanging.
const maxAbandoned = 3

// A lane runs keychain calls one at a time, each bounded by its caller's
// context. It exists because go-keyring can block forever (an unlock prompt
// nobody answers, a D-Bus service that never replies) and is not meant for
// concurrent use: on Linux all calls share one process-wide D-Bus
// connection.
//
// A call cannot be cancelled once started. When its caller gives up, the
// call is abandoned: it keeps running on its own, and the lane is free for
// the next caller, who gets a new attempt (the keychain may answer now: a
// prompt dismissed, a service restarted). So abandoned calls may overlap
// with the one running; godbus connections are safe for that. At most
// maxAbandoned may be left running; beyond that callers fail at once with
// errPending until one returns, instead of piling up goroutines behind a
// keychain that does not answer.
type lane struct {
	sem chan struct{} // holds a token while a call that someone waits for runs

	mu        sync.Mutex
	abandoned int       // calls given up on and still running
	since     time.Time // when the oldest of those was given up on
	max       int
}

func newLane() *lane { return &lane{sem: make(chan struct{}, 1), max: maxAbandoned} }

// defaultLane serializes every system Store in the process, because the
// connection behind go-keyring is process-wide too.
var defaultLane = newLane()

type laneResult struct {
	s   string
	err error
}

// pendingError says how many calls hang and for how long.
type pendingError struct {
	n     int
	since time.Duration
}

func (e *pendingError) Error() string {
	waited := ""
	if e.since >= time.Second {
		waited = fmt.Sprintf(" (the first for %s)", e.since.Round(time.Second))
	}
	return fmt.Sprintf("%d earlier keychain requests have had no answer%s, so konnectd does not send more until one returns", e.n, waited)
}

func (e *pendingError) Is(target error) bool { return target == errPending }

// do runs fn in the lane and returns its result, or ctx's error if ctx ends
// first, or an errPending error if too many abandoned calls still run.
func (l *lane) do(ctx context.Context, fn func() (string, error)) (string, error) {
	if err := l.full(); err != nil {
		return "", err
	}
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	// Others may have been abandoned while this caller queued.
	if err := l.full(); err != nil {
		<-l.sem
		return "", err
	}

	done := make(chan laneResult, 1)
	var (
		finished  bool // guarded by l.mu
		abandoned bool // guarded by l.mu
	)
	go func() {
		s, err := fn()
		done <- laneResult{s, err}
		l.mu.Lock()
		finished = true
		if abandoned {
			l.abandoned--
		} else {
			<-l.sem
		}
		l.mu.Unlock()
	}()

	select {
	case r := <-done:
		return r.s, r.err
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		if finished {
			// The call beat the deadline after all; its result is waiting.
			r := <-done
			return r.s, r.err
		}
		abandoned = true
		if l.abandoned == 0 {
			l.since = time.Now()
		}
		l.abandoned++
		<-l.sem // the next caller may try
		return "", ctx.Err()
	}
}

// full returns an errPending error when maxAbandoned calls hang.
func (l *lane) full() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.abandoned >= l.max {
		return &pendingError{n: l.abandoned, since: time.Since(l.since)}
	}
	return nil
}
