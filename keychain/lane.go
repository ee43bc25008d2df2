package keychain

import (
	"context"
	"errors"
	"sync"
)

// errPending is the cause given to callers turned away because an earlier
// call that its caller gave up on is still running.
var errPending = errors.New("an earlier keychain request is still waiting for an answer")

// A lane runs keychain calls one at a time, each bounded by its caller's
// context. It exists because go-keyring can block forever (an unlock prompt
// nobody answers) and is not meant for concurrent use: on Linux all calls
// share one process-wide D-Bus connection.
//
// A call cannot be cancelled once started. When its caller gives up, the call
// keeps the lane until it returns, and the lane is marked stuck: later callers
// fail at once with errPending instead of queueing behind a call that may
// never end. Callers that were already queued wait out their own deadlines.
type lane struct {
	sem chan struct{} // holds a token while a call runs

	mu    sync.Mutex
	stuck bool // the running call was abandoned by its caller
}

func newLane() *lane { return &lane{sem: make(chan struct{}, 1)} }

// defaultLane serializes every system Store in the process, because the
// connection behind go-keyring is process-wide too.
var defaultLane = newLane()

type laneResult struct {
	s   string
	err error
}

// do runs fn in the lane and returns its result, or ctx's error if ctx ends
// first, or errPending if an abandoned call still holds the lane.
func (l *lane) do(ctx context.Context, fn func() (string, error)) (string, error) {
	l.mu.Lock()
	stuck := l.stuck
	l.mu.Unlock()
	if stuck {
		return "", errPending
	}
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}

	done := make(chan laneResult, 1)
	finished := false // guarded by l.mu
	go func() {
		s, err := fn()
		done <- laneResult{s, err}
		l.mu.Lock()
		finished = true
		l.stuck = false
		l.mu.Unlock()
		<-l.sem
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
		l.stuck = true
		return "", ctx.Err()
	}
}
