package jq

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func isolatedEngine(t *testing.T, l Limits, w Workers) *Engine {
	t.Helper()
	e := New(l)
	w.Command = []string{os.Args[0]}
	if err := e.Isolate(w); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// TestIsolatedMatchesInProcess: a worker gives the bytes and errors the
// in-process engine gives.
func TestIsolatedMatchesInProcess(t *testing.T) {
	local := New(Limits{})
	iso := isolatedEngine(t, Limits{}, Workers{Count: 1})
	input := []byte(`{"data":[{"id":1,"email":"a@b","active":true},{"id":2,"email":"<c>","active":false}],"s":"x"}`)
	for _, expr := range []string{
		".", "", "[.data[] | select(.active) | .email]", ".data[].id", "empty", ".s",
		"infinite", "[nan]", `error("boom")`, ".foo |", "foo", ".s | tonumber", "input",
	} {
		for _, raw := range []bool{false, true} {
			var want, got any
			var werr, gerr error
			if raw {
				want, werr = local.EvalJSONRaw(context.Background(), expr, input)
				got, gerr = iso.EvalJSONRaw(context.Background(), expr, input)
			} else {
				want, werr = local.EvalJSON(context.Background(), expr, input)
				got, gerr = iso.EvalJSON(context.Background(), expr, input)
				if werr == nil && gerr == nil {
					wb, _ := json.Marshal(want)
					gb, _ := json.Marshal(got)
					want, got = string(wb), string(gb)
				}
			}
			if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
				t.Errorf("%q raw=%v: error %v, in process %v", expr, raw, gerr, werr)
				continue
			}
			if werr != nil {
				var a, b *Error
				if !errors.As(werr, &a) || !errors.As(gerr, &b) || a.Kind() != b.Kind() {
					t.Errorf("%q: kind differs: %v vs %v", expr, gerr, werr)
				}
				continue
			}
			if got != want {
				t.Errorf("%q raw=%v: %v, in process %v", expr, raw, got, want)
			}
		}
	}
	// Eval on a Go value (format.jq's path) decodes the worker's answer.
	v, err := iso.Eval(context.Background(), ".a + 1", map[string]any{"a": 1.0})
	if err != nil || v != 2.0 {
		t.Fatalf("Eval = %v, %v", v, err)
	}
	s, err := iso.EvalRaw(context.Background(), ".[]", []any{"x", 1.0})
	if err != nil || s != "x\n1\n" {
		t.Fatalf("EvalRaw = %q, %v", s, err)
	}
}

// TestIsolatedMemoryBounded: each of these took hundreds of MB to GBs in
// the daemon (issue 19 item 2); in a worker each ends with a limit error
// and the next evaluation is served by a fresh worker.
func TestIsolatedMemoryBounded(t *testing.T) {
	e := isolatedEngine(t, Limits{Timeout: 60 * time.Second}, Workers{Count: 1, Memory: 128 << 20})
	for _, expr := range []string{
		"[range(1e8)]",
		"def f: 1+f; f",
		`"x" | until(length > 1e9; . + .)`,
		`"x" * 2e9`,
		`null | .[536870000] = 1`,
	} {
		t.Run(expr, func(t *testing.T) {
			_, err := e.EvalJSON(context.Background(), expr, []byte("null"))
			if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "memory") {
				t.Fatalf("err = %v, want the memory limit", err)
			}
			if v, err := e.EvalJSON(context.Background(), "1+1", []byte("null")); err != nil || string(v.(json.RawMessage)) != "2" {
				t.Fatalf("next evaluation: %v, %v", v, err)
			}
		})
	}
}

// TestIsolatedDeadlineInsideBuiltin: match with "g" on 1 MB is one gojq
// builtin call that ran for minutes past the deadline and past the
// client (issue 19 item 3). The worker is killed at the deadline: the
// call ends then and so does the process running it.
func TestIsolatedDeadlineInsideBuiltin(t *testing.T) {
	e := isolatedEngine(t, Limits{Timeout: 500 * time.Millisecond}, Workers{Count: 1})
	if _, err := e.EvalJSON(context.Background(), ".", []byte("1")); err != nil {
		t.Fatal(err)
	}
	pid := e.pool.idle[0].cmd.Process.Pid
	input, _ := json.Marshal(strings.Repeat("a", 1<<20))
	for _, expr := range []string{`[match(".";"g")] | length`, `[splits("")] | length`} {
		_, err := e.EvalJSON(context.Background(), expr, input)
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("%s: err = %v, want a timeout", expr, err)
		}
	}
	if !processGone(pid) {
		t.Fatalf("worker %d still exists after the deadline", pid)
	}
}

// TestIsolatedCancelStopsWork: cancelling the caller's context (what
// $/cancelRequest and a disconnect do) ends the evaluation too.
func TestIsolatedCancelStopsWork(t *testing.T) {
	e := isolatedEngine(t, Limits{Timeout: time.Hour}, Workers{Count: 1})
	input, _ := json.Marshal(strings.Repeat("a", 1<<20))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := e.EvalJSON(ctx, `[match(".";"g")] | length`, input)
		done <- err
	}()
	time.Sleep(100 * time.Millisecond) // let it get into the builtin; not a timing assertion
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "canceled") {
			t.Fatalf("err = %v, want canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("cancellation did not end the evaluation")
	}
}

// TestIsolatedConcurrencyCap: with the one worker busy, a second
// evaluation waits for it within its own deadline, and says so.
func TestIsolatedConcurrencyCap(t *testing.T) {
	e := isolatedEngine(t, Limits{Timeout: 30 * time.Second}, Workers{Count: 1})
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := e.EvalJSON(ctx, "last(range(1e12))", []byte("null"))
		first <- err
	}()
	for len(e.pool.slots) == 0 {
		time.Sleep(time.Millisecond)
	}
	short, cancelShort := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancelShort()
	_, err := e.EvalJSON(short, "1", []byte("null"))
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "waiting for a jq worker (all 1 busy)") {
		t.Fatalf("second = %v, want a timeout waiting for the worker", err)
	}
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("first = %v, want canceled", err)
	}
	if n := len(e.pool.slots); n != 0 {
		t.Fatalf("%d slots still taken", n)
	}
}

// TestIsolatedIdleWorkersEnd: a worker nobody used for idleFor is ended.
func TestIsolatedIdleWorkersEnd(t *testing.T) {
	e := isolatedEngine(t, Limits{}, Workers{Count: 1})
	e.pool.idleFor = 50 * time.Millisecond
	if _, err := e.EvalJSON(context.Background(), ".", []byte("1")); err != nil {
		t.Fatal(err)
	}
	e.pool.mu.Lock()
	pid := e.pool.idle[0].cmd.Process.Pid
	e.pool.mu.Unlock()
	for end := time.Now().Add(30 * time.Second); !processGone(pid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("idle worker was never ended")
		}
	}
	// The next evaluation starts a new one.
	if v, err := e.EvalJSON(context.Background(), ".+1", []byte("1")); err != nil || string(v.(json.RawMessage)) != "2" {
		t.Fatalf("after reaping: %v, %v", v, err)
	}
}
