package emulator

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"time"
)

// Faults make the emulator misbehave on purpose. Set them at any time with
// SetFaults; the zero value is a well-behaved Konnect.
type Faults struct {
	// Latency is added before every request is handled.
	Latency time.Duration
	// RateLimitEvery answers every Nth request with 429 and RetryAfter.
	RateLimitEvery int
	// RetryAfter is the Retry-After header on those 429s ("1" if empty;
	// seconds or an HTTP date).
	RetryAfter string
	// ErrorRate answers this fraction of requests (0..1, at random) with
	// 503; ErrorEvery answers every Nth with 503, for tests that must not
	// depend on chance.
	ErrorRate  float64
	ErrorEvery int
	// DropAfterCommit names an operation (spec operationId, e.g.
	// "create-personal-access-token"): such requests are handled in full,
	// their effect committed, and then the connection is closed without
	// an answer.
	DropAfterCommit string
	// FailAfterCommit names an operation, as DropAfterCommit does, whose
	// requests are handled in full and committed and then answered with
	// FailStatus (502 if zero) instead: a gateway whose upstream did the
	// work and whose answer was lost on the way back.
	FailAfterCommit string
	FailStatus      int
}

// SetFaults replaces the faults in force and restarts their counters.
func (e *Emulator) SetFaults(f Faults) {
	e.faultMu.Lock()
	e.faults = f
	e.served = 0
	e.faultMu.Unlock()
}

// serve is the outermost handler: count, delay, fault, then route.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	if e.serveAdmin(w, r) {
		return
	}
	// mux.Handler names the pattern but does not set path values, so the
	// request is served through the mux itself below.
	_, pattern := e.mux.Handler(r)
	op := e.ops[pattern]
	if op == "" {
		op = "unknown"
	}
	e.mu.Lock()
	e.counts[op]++
	if len(e.log) >= maxLog {
		e.log = append(e.log[:0], e.log[len(e.log)-maxLog/2:]...)
	}
	e.log = append(e.log, LoggedRequest{Method: r.Method, Host: r.Host, Path: r.URL.Path, Query: r.URL.RawQuery, Op: op})
	e.mu.Unlock()

	e.faultMu.Lock()
	f := e.faults
	e.served++
	n := e.served
	e.faultMu.Unlock()

	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if f.RateLimitEvery > 0 && n%f.RateLimitEvery == 0 {
		ra := f.RetryAfter
		if ra == "" {
			ra = "1"
		}
		w.Header().Set("Retry-After", ra)
		problem(w, http.StatusTooManyRequests, "Rate Limited", "Too many requests")
		return
	}
	if (f.ErrorEvery > 0 && n%f.ErrorEvery == 0) || (f.ErrorRate > 0 && rand.Float64() < f.ErrorRate) {
		problem(w, http.StatusServiceUnavailable, "Service Unavailable", "The service is temporarily unavailable")
		return
	}
	var h http.Handler = e.mux
	if e.strict != nil {
		h = e.strict.Middleware(h)
	}
	if f.DropAfterCommit != "" && f.DropAfterCommit == op {
		h.ServeHTTP(httptest.NewRecorder(), r) // commit, answer nobody
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // not hijackable (HTTP/2): abort instead
	}
	if f.FailAfterCommit != "" && f.FailAfterCommit == op {
		h.ServeHTTP(httptest.NewRecorder(), r) // commit, then lose the answer
		status := f.FailStatus
		if status == 0 {
			status = http.StatusBadGateway
		}
		problem(w, status, http.StatusText(status), "The upstream answer was lost")
		return
	}
	h.ServeHTTP(w, r)
}
