package konnect

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/konnectd/konnectd/internal/redact"
)

// wait sleeps before retry number attempt+1, or returns early with the
// context's error. The retry is logged at info and told to the context's
// retry hook first: without that, an unreachable Konnect looked like a
// silent pause of seconds followed by an error.
func (c *Client) wait(ctx context.Context, op string, target *url.URL, attempt int, retryAfter, reason string) error {
	d := backoff(attempt, retryAfter, c.minBackoff, c.maxBackoff, time.Now())
	r := Retry{Op: op, Host: target.Scheme + "://" + target.Host, Attempt: attempt + 1, Max: c.maxRetries, Wait: d, Reason: redact.String(reason)}
	c.log.InfoContext(ctx, "konnect request failed; retrying", "op", op, "host", r.Host,
		"retry", fmt.Sprintf("%d/%d", r.Attempt, r.Max), "in", r.Wait.Round(time.Millisecond), "reason", r.Reason)
	if fn := retryHook(ctx); fn != nil {
		fn(r)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// backoff is the wait before retry attempt+1: what Retry-After asks for
// (seconds or an HTTP date) when present, else exponential from min with
// ±25% jitter; either way clamped to [min, max], as kongctl does, so a
// server cannot park the client for an hour.
func backoff(attempt int, retryAfter string, min, max time.Duration, now time.Time) time.Duration {
	if d, ok := parseRetryAfter(retryAfter, now); ok {
		return clamp(d, min, max)
	}
	d := min
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	d = clamp(d, min, max)
	jitter := time.Duration(float64(d) * (rand.Float64()*0.5 - 0.25))
	return clamp(d+jitter, min, max)
}

func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

func clamp(d, min, max time.Duration) time.Duration {
	if d < min {
		return min
	}
	if d > max {
		return max
	}
	return d
}
