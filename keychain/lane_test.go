package keychain

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gatedBackend blocks every call until its gate is opened: a stand-in for a
// keychain whose unlock prompt nobody answers. It is used only to test the
// lane's timeout mechanics, which a real keychain cannot hang headless.
type gatedBackend struct {
	gate    chan struct{}
	started chan struct{} // receives once per call, when it starts
	running atomic.Int32
	maxRun  atomic.Int32
}

func newGated() *gatedBackend {
	return &gatedBackend{gate: make(chan struct{}), started: make(chan struct{}, 100)}
}

func (g *gatedBackend) wait() {
	n := g.running.Add(1)
	for {
		m := g.maxRun.Load()
		if n <= m || g.maxRun.CompareAndSwap(m, n) {
			break
		}
	}
	g.started <- struct{}{}
	<-g.gate
	g.running.Add(-1)
}

func (g *gatedBackend) get(service, account string) (string, error) { g.wait(); return "value", nil }
func (g *gatedBackend) set(service, account, secret string) error   { g.wait(); return nil }
func (g *gatedBackend) delete(service, account string) error        { g.wait(); return nil }

func gatedStore(t *testing.T, be backend, timeout time.Duration) *systemStore {
	t.Helper()
	if kind, hint, _ := preflight(); kind != nil {
		t.Skipf("this platform refuses keychain calls before they reach the lane: %s", hint)
	}
	return newSystemStore(Options{Service: "konnectd-test", Timeout: timeout, PromptTimeout: timeout}, be, newLane())
}

// TestLaneNewAttemptsThenFailFastThenRecover: a call whose caller gave up
// is abandoned, and the next caller gets a new attempt, up to maxAbandoned
// hanging calls; then callers fail at once until one returns.
func TestLaneNewAttemptsThenFailFastThenRecover(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/never-dialled") // passes preflight; the fake never dials
	be := newGated()
	s := gatedStore(t, be, 100*time.Millisecond)
	ctx := context.Background()

	// Each call is stuck behind the gate and times out, and each is a new
	// attempt, not turned away because of the one before.
	for i := range maxAbandoned {
		_, err := s.Get(ctx, "default")
		if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errPending) {
			t.Fatalf("attempt %d = %v; want ErrTimeout wrapping DeadlineExceeded", i+1, err)
		}
	}
	if n := len(be.started); n != maxAbandoned {
		t.Fatalf("backend calls started = %d; want %d", n, maxAbandoned)
	}
	// With maxAbandoned calls hanging, later calls are turned away without running.
	_, err := s.Get(ctx, "default")
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, errPending) {
		t.Fatalf("Get behind %d stuck calls = %v; want ErrTimeout with errPending", maxAbandoned, err)
	}
	if err := s.Set(ctx, "default", "v"); !errors.Is(err, errPending) {
		t.Fatalf("Set behind stuck calls = %v; want errPending", err)
	}
	if n := len(be.started); n != maxAbandoned {
		t.Fatalf("backend calls started = %d; want %d (no more once the bound is reached)", n, maxAbandoned)
	}

	// The stuck calls return (the user answered the prompt): the lane frees
	// itself and the next call goes through.
	close(be.gate)
	deadline := time.Now().Add(time.Minute)
	for {
		got, err := s.Get(ctx, "default")
		if err == nil {
			if got != "value" {
				t.Fatalf("Get after recovery = %q; want %q", got, "value")
			}
			break
		}
		if !errors.Is(err, errPending) || time.Now().After(deadline) {
			t.Fatalf("Get after the stuck calls returned = %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestLaneCancelIsNotTimeout(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/never-dialled")
	be := newGated()
	defer close(be.gate)
	s := gatedStore(t, be, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-be.started; cancel() }()
	_, err := s.Get(ctx, "default")
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Fatalf("Get with a cancelled context = %v; want context.Canceled and not ErrTimeout", err)
	}
}

func TestLaneRunsOneCallAtATime(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/never-dialled")
	be := newGated()
	s := gatedStore(t, be, time.Hour)
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Get(context.Background(), "default")
			errs <- err
		}()
	}
	// Let the calls through one at a time; each waits for the previous.
	for range n {
		<-be.started
		if r := be.running.Load(); r != 1 {
			t.Errorf("%d backend calls running at once; want 1", r)
		}
		be.gate <- struct{}{}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Get: %v", err)
		}
	}
	if m := be.maxRun.Load(); m != 1 {
		t.Fatalf("at most %d backend calls ran at once; want 1", m)
	}
}
