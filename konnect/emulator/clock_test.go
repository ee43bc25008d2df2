package emulator

import (
	"fmt"
	"testing"
	"time"
)

// newPAT creates a PAT for the owner and returns its id and secret.
func (s *server) newPAT(name string, ttl int) (string, string) {
	s.t.Helper()
	code, body := s.do("POST", "/v3/users/"+s.emu.org.OwnerID+"/access-tokens", s.emu.AdminToken(),
		fmt.Sprintf(`{"name":%q,"ttl_seconds":%d}`, name, ttl))
	if code != 201 {
		s.t.Fatalf("create pat: %d %v", code, body)
	}
	return body["id"].(string), body["konnect_token"].(string)
}

// TestExpiredTokenIs401: a PAT works until its expiry on the emulator's
// clock, moved through the control endpoint, and gets 401 from then on.
func TestExpiredTokenIs401(t *testing.T) {
	s := start(t)
	_, tok := s.newPAT("short", 86400)
	if code, _ := s.do("GET", "/v3/users/me", tok, ""); code != 200 {
		t.Fatalf("fresh pat: %d", code)
	}
	if code, body := s.do("POST", AdminPath, s.emu.AdminToken(), `{"advance":"23h59m"}`); code != 200 || body["now"] == nil {
		t.Fatalf("advance: %d %v", code, body)
	}
	if code, _ := s.do("GET", "/v3/users/me", tok, ""); code != 200 {
		t.Fatalf("a minute before expiry: %d", code)
	}
	s.do("POST", AdminPath, s.emu.AdminToken(), `{"advance":"2m"}`)
	if code, _ := s.do("GET", "/v3/users/me", tok, ""); code != 401 {
		t.Fatalf("expired pat: %d", code)
	}
}

// TestRevokedTokenGrace: a revoked PAT is listed REVOKED at once but
// keeps working for the grace, then gets 401.
func TestRevokedTokenGrace(t *testing.T) {
	for _, tc := range []struct {
		grace, last time.Duration
	}{{0, DefaultRevokeGrace}, {2 * time.Minute, 2 * time.Minute}, {-1, 0}} {
		s := startWith(t, Options{Strict: true, RevokeGrace: tc.grace})
		id, tok := s.newPAT("revoked", 86400)
		if code, body := s.do("PATCH", "/v3/users/"+s.emu.org.OwnerID+"/access-tokens/"+id+"/revoke", s.emu.AdminToken(), ""); code != 200 || body["state"] != "REVOKED" {
			t.Fatalf("revoke: %d %v", code, body)
		}
		if tc.last > 0 {
			s.emu.Advance(tc.last - time.Second)
			if code, _ := s.do("GET", "/v3/users/me", tok, ""); code != 200 {
				t.Fatalf("grace %v: revoked pat refused before the grace ended: %d", tc.grace, code)
			}
			s.emu.Advance(2 * time.Second)
		}
		if code, _ := s.do("GET", "/v3/users/me", tok, ""); code != 401 {
			t.Fatalf("grace %v: revoked pat works after the grace: %d", tc.grace, code)
		}
		if v := s.emu.Violations(); len(v) > 0 {
			t.Fatalf("spec violations: %v", v)
		}
	}
}

// TestLastUsedMoves: each use of a PAT sets its last_used_at to the
// emulator's time of that use.
func TestLastUsedMoves(t *testing.T) {
	s := start(t)
	id, tok := s.newPAT("used", 86400)
	get := func() string {
		_, body := s.do("GET", "/v3/users/"+s.emu.org.OwnerID+"/access-tokens/"+id, s.emu.AdminToken(), "")
		v, _ := body["last_used_at"].(string)
		return v
	}
	if v := get(); v != "" {
		t.Fatalf("unused pat has last_used_at %q", v)
	}
	s.do("GET", "/v3/users/me", tok, "")
	first := get()
	s.emu.Advance(3 * time.Hour)
	s.do("GET", "/v3/users/me", tok, "")
	second := get()
	a, err1 := time.Parse(time.RFC3339Nano, first)
	b, err2 := time.Parse(time.RFC3339Nano, second)
	if err1 != nil || err2 != nil || b.Sub(a) < 3*time.Hour {
		t.Fatalf("last_used_at %q then %q", first, second)
	}
}

// TestClockEndpoint: only the admin PAT moves the clock, set works, and
// bad bodies are 400.
func TestClockEndpoint(t *testing.T) {
	s := start(t)
	if code, _ := s.do("GET", AdminPath, "", ""); code != 401 {
		t.Fatalf("no token: %d", code)
	}
	_, tok := s.newPAT("other", 86400)
	if code, _ := s.do("POST", AdminPath, tok, `{"advance":"1h"}`); code != 401 {
		t.Fatalf("another pat: %d", code)
	}
	if code, body := s.do("POST", AdminPath, s.emu.AdminToken(), `{"set":"2030-01-02T03:04:05Z"}`); code != 200 || body["now"].(string)[:16] != "2030-01-02T03:04" {
		t.Fatalf("set: %d %v", code, body)
	}
	for _, b := range []string{`{}`, `{"advance":"1h","set":"2030-01-01T00:00:00Z"}`, `{"advance":"soon"}`, `{"set":"tomorrow"}`, `{"x":1}`} {
		if code, _ := s.do("POST", AdminPath, s.emu.AdminToken(), b); code != 400 {
			t.Errorf("%s: %d", b, code)
		}
	}
	if n := s.emu.Requests()["unknown"]; n != 0 {
		t.Errorf("control requests counted as API requests: %d", n)
	}
}
