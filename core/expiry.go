package core

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/konnectd/konnectd/konnect"
)

// Token lifetimes kongctl accepts, inclusive.
const (
	minTokenLifetime = 24 * time.Hour
	maxTokenLifetime = 365 * 24 * time.Hour
)

// kongctl's messages for the expiry flags, word for word: the RPC methods
// speak of the flags too, so a script moving from kongctl to konnectd sees
// the same errors.
const (
	errExpiryOne    = "exactly one of --expires-in or --expires-at is required"
	errInTooShort   = "minimum token lifetime is 1 day (--expires-in must be at least 1d)"
	errInTooLong    = "maximum token lifetime is 365 days (12 months) (--expires-in must be at most 365d)"
	errAtTooSoon    = "minimum token lifetime is 1 day (--expires-at must be at least 1 day from now)"
	errAtTooLate    = "maximum token lifetime is 365 days (12 months) (--expires-at must be at most 365 days from now)"
	errInvalidInFmt = "invalid --expires-in value %q: use a duration between 1 day and 365 days (12 months) with units ns, us, ms, s, m, h, or d (days)"
)

// expiry is a token's requested lifetime: either relative (ttl, from
// expiresIn) or absolute (at, from expiresAt, with the text as given so a
// PAT request carries the user's offset and fraction unchanged).
type expiry struct {
	ttl    time.Duration
	at     time.Time
	atText string
}

// parseExpiry applies kongctl's rules to the two mutually exclusive
// inputs; exactly one must be non-empty (the caller reports a missing one
// with the other missing fields, so here it is an internal guarantee).
func parseExpiry(expiresIn, expiresAt string, now time.Time) (expiry, error) {
	if (expiresIn == "") == (expiresAt == "") {
		return expiry{}, invalid(errExpiryOne)
	}
	if expiresIn != "" {
		d, err := parseExpiresIn(expiresIn)
		if err != nil {
			return expiry{}, err
		}
		return expiry{ttl: d}, nil
	}
	t, err := parseExpiresAt(expiresAt, now)
	if err != nil {
		return expiry{}, err
	}
	return expiry{at: t, atText: expiresAt}, nil
}

// parseExpiresIn is kongctl's --expires-in: trimmed; a trailing "d" means
// (possibly fractional) days through strconv.ParseFloat; anything else is
// time.ParseDuration. The result is within [1d, 365d].
func parseExpiresIn(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		f, err := strconv.ParseFloat(days, 64)
		if err != nil {
			return 0, invalid(fmt.Sprintf(errInvalidInFmt, s))
		}
		ns := f * float64(24*time.Hour)
		// kongctl converts with time.Duration(float), which turns NaN, ±Inf
		// and anything out of int64's range into math.MinInt64 on amd64 and
		// arm64: the "minimum" error. Doing it explicitly keeps that
		// behaviour on every platform.
		if math.IsNaN(ns) || ns >= math.MaxInt64 || ns < math.MinInt64 {
			return 0, invalid(errInTooShort)
		}
		d = time.Duration(ns)
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, invalid(fmt.Sprintf(errInvalidInFmt, s))
		}
	}
	switch {
	case d < minTokenLifetime:
		return 0, invalid(errInTooShort)
	case d > maxTokenLifetime:
		return 0, invalid(errInTooLong)
	}
	return d, nil
}

// parseExpiresAt is kongctl's --expires-at: time.RFC3339 (fractions and
// any offset; not a lowercase z, a bare date or a space for T), between
// one and 365 days from now, compared in whole Unix seconds.
func parseExpiresAt(s string, now time.Time) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, invalid(fmt.Sprintf("invalid --expires-at value %q: %v", s, err))
	}
	switch diff := t.Unix() - now.Unix(); {
	case diff < int64(minTokenLifetime/time.Second):
		return time.Time{}, invalid(errAtTooSoon)
	case diff > int64(maxTokenLifetime/time.Second):
		return time.Time{}, invalid(errAtTooLate)
	}
	return t, nil
}

// patRequest is the body of a PAT create: ttl_seconds (truncated to whole
// seconds) for a relative expiry, the caller's own text for an absolute one.
func (e expiry) patRequest(name string) konnect.PATRequest {
	if e.atText != "" {
		return konnect.PATRequest{Name: name, ExpiresAt: e.atText}
	}
	return konnect.PATRequest{Name: name, TTLSeconds: int64(e.ttl / time.Second)}
}

// absolute is a SPAT's expires_at: Konnect takes no TTL there, so a
// relative expiry becomes now + ttl (sent in UTC, RFC 3339 with nanoseconds).
func (e expiry) absolute(now time.Time) time.Time {
	if e.atText != "" {
		return e.at
	}
	return now.UTC().Add(e.ttl)
}
