package emulator

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Token lifecycle as Konnect has it: an expired token gets 401 at once; a
// revoked PAT keeps working for a grace (Konnect documents up to 15
// minutes) and then gets 401; last_used_at moves on every use. The clock
// can be moved, so tests see hours and days pass without sleeping.

// DefaultRevokeGrace is how long a revoked PAT keeps working, as in
// Konnect.
const DefaultRevokeGrace = 15 * time.Minute

// AdminPath is the emulator's own control endpoint, outside Konnect's API
// (and so outside strict validation and the request counts):
//
//	GET  /_emulator/clock                       → {"now": RFC 3339}
//	POST /_emulator/clock {"advance": "36h"}    → {"now": …}
//	POST /_emulator/clock {"set": "2027-01-01T00:00:00Z"}
//
// It takes the admin PAT as bearer token, so only whoever started the
// emulator moves its time.
const AdminPath = "/_emulator/clock"

// clock is the base clock plus an offset that Advance and Set move. The
// offset only grows or jumps; the base keeps ticking in between.
type clock struct {
	base   func() time.Time
	offset atomic.Int64 // nanoseconds
}

func (c *clock) now() time.Time { return c.base().Add(time.Duration(c.offset.Load())) }

// Now is the emulator's current time.
func (e *Emulator) Now() time.Time { return e.now() }

// Advance moves the emulator's clock forward by d (backward for d < 0).
func (e *Emulator) Advance(d time.Duration) time.Time {
	e.clock.offset.Add(int64(d))
	return e.now()
}

// SetClock makes the emulator's clock read t now, and tick on from there.
func (e *Emulator) SetClock(t time.Time) {
	e.clock.offset.Store(int64(t.Sub(e.clock.base())))
}

// revokeGrace turns Options.RevokeGrace into the grace in force: 0 is
// Konnect's default, a negative value none.
func revokeGrace(d time.Duration) time.Duration {
	switch {
	case d == 0:
		return DefaultRevokeGrace
	case d < 0:
		return 0
	}
	return d
}

// usable reports whether a PAT authenticates at now: not expired, and not
// revoked longer ago than the grace.
func (e *Emulator) usable(p *pat, now time.Time) bool {
	if !now.Before(p.ExpiresAt) {
		return false
	}
	return p.RevokedAt == nil || now.Before(p.RevokedAt.Add(e.grace))
}

// serveAdmin answers the control endpoint; it reports whether r was one.
func (e *Emulator) serveAdmin(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != AdminPath {
		return false
	}
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if subtle.ConstantTimeCompare([]byte(tok), []byte(e.admin)) != 1 {
		unauthorized(w, "The emulator's control endpoint takes the admin PAT")
		return true
	}
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		var body struct {
			Advance string `json:"advance"`
			Set     string `json:"set"`
		}
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil || (body.Advance == "") == (body.Set == "") {
			badRequest(w, invalidParam{Field: "body", Reason: `exactly one of "advance" (a Go duration) or "set" (RFC 3339) is required`, Rule: "invalid", Source: "body"})
			return true
		}
		if body.Advance != "" {
			d, err := time.ParseDuration(body.Advance)
			if err != nil {
				badRequest(w, invalidParam{Field: "advance", Reason: "must be a Go duration such as 36h", Rule: "invalid", Source: "body"})
				return true
			}
			e.Advance(d)
		} else {
			t, err := time.Parse(time.RFC3339Nano, body.Set)
			if err != nil {
				badRequest(w, invalidParam{Field: "set", Reason: "must be an RFC 3339 time", Rule: "is_date_time", Source: "body"})
				return true
			}
			e.SetClock(t)
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		problem(w, http.StatusMethodNotAllowed, "Method Not Allowed", "GET or POST")
		return true
	}
	writeJSON(w, http.StatusOK, map[string]string{"now": e.now().UTC().Format(time.RFC3339Nano)})
	return true
}
