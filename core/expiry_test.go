package core

import (
	"testing"
	"time"
)

// kongctl.md §1: the accepted forms, the bounds (inclusive) and the exact
// messages of --expires-in and --expires-at.
func TestParseExpiresIn(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ttl  int64 // seconds sent as ttl_seconds
		want string
	}{
		{in: "24h", ttl: 86400},
		{in: "1440m", ttl: 86400},
		{in: "1d", ttl: 86400},
		{in: " 30d ", ttl: 2592000},
		{in: "1.5d", ttl: 129600},
		{in: "+30d", ttl: 2592000},
		{in: "1e2d", ttl: 8640000},
		{in: "365d", ttl: 31536000},
		{in: "8760h", ttl: 31536000},
		{in: "31536000s", ttl: 31536000},
		{in: "24h0m1s", ttl: 86401},
		{in: "86400000ms", ttl: 86400},
		{in: "86400000000us", ttl: 86400},
		{in: "86400000000µs", ttl: 86400},
		{in: "86400000000000ns", ttl: 86400},
		{in: "86400.9s", ttl: 86400}, // truncated
		{in: "23h59m59s", want: errInTooShort},
		{in: "0.5d", want: errInTooShort},
		{in: "-30d", want: errInTooShort},
		{in: "-48h", want: errInTooShort},
		{in: "NaNd", want: errInTooShort},
		{in: "Infd", want: errInTooShort},
		{in: "1e300d", want: errInTooShort},
		{in: "365.0001d", want: errInTooLong},
		{in: "366d", want: errInTooLong},
		{in: "8761h", want: errInTooLong},
		{in: "30", want: `invalid --expires-in value "30": use a duration between 1 day and 365 days (12 months) with units ns, us, ms, s, m, h, or d (days)`},
		{in: "1d12h", want: `invalid --expires-in value "1d12h": use a duration between 1 day and 365 days (12 months) with units ns, us, ms, s, m, h, or d (days)`},
		{in: "30D", want: `invalid --expires-in value "30D": use a duration between 1 day and 365 days (12 months) with units ns, us, ms, s, m, h, or d (days)`},
		{in: "d", want: `invalid --expires-in value "d": use a duration between 1 day and 365 days (12 months) with units ns, us, ms, s, m, h, or d (days)`},
		{in: "1w", want: `invalid --expires-in value "1w": use a duration between 1 day and 365 days (12 months) with units ns, us, ms, s, m, h, or d (days)`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			d, err := parseExpiresIn(tc.in)
			if tc.want != "" {
				if err == nil || err.Error() != tc.want {
					t.Fatalf("parseExpiresIn(%q) = %v, %v; want error %q", tc.in, d, err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseExpiresIn(%q): %v", tc.in, err)
			}
			if got := (expiry{ttl: d}).patRequest("x").TTLSeconds; got != tc.ttl {
				t.Fatalf("ttl_seconds for %q = %d, want %d", tc.in, got, tc.ttl)
			}
		})
	}
}

func TestParseExpiresAt(t *testing.T) {
	now := time.Date(2026, 6, 23, 12, 0, 0, 500_000_000, time.UTC)
	for _, tc := range []struct {
		in   string
		want string // error; "" means accepted
	}{
		{in: "2026-06-24T12:00:00Z"}, // exactly one day (whole seconds)
		{in: "2026-06-24T14:00:00+02:00"},
		{in: "2026-06-24T12:00:00.123456+00:00"},
		{in: "2027-06-23T12:00:00Z"}, // exactly 365 days
		{in: "2026-06-24T11:59:59Z", want: errAtTooSoon},
		{in: "2025-01-01T00:00:00Z", want: errAtTooSoon},
		{in: "2027-06-23T12:00:01Z", want: errAtTooLate},
		{in: "2026-13-01T00:00:00Z", want: `invalid --expires-at value "2026-13-01T00:00:00Z": parsing time "2026-13-01T00:00:00Z": month out of range`},
		{in: "2027-01-01", want: `invalid --expires-at value "2027-01-01": parsing time "2027-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"`},
		{in: "2026-12-01T00:00:00z", want: `invalid --expires-at value "2026-12-01T00:00:00z": parsing time "2026-12-01T00:00:00z" as "2006-01-02T15:04:05Z07:00": cannot parse "z" as "Z07:00"`},
		{in: "2026-12-01 00:00:00Z", want: `invalid --expires-at value "2026-12-01 00:00:00Z": parsing time "2026-12-01 00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 00:00:00Z" as "T"`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			e, err := parseExpiry("", tc.in, now)
			if tc.want != "" {
				if err == nil || err.Error() != tc.want {
					t.Fatalf("parseExpiry(at=%q) error = %v, want %q", tc.in, err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// A PAT gets the text as given, offset and fraction kept.
			if r := e.patRequest("ci"); r.ExpiresAt != tc.in || r.TTLSeconds != 0 {
				t.Fatalf("patRequest = %+v", r)
			}
		})
	}
}

func TestExpiryExactlyOne(t *testing.T) {
	now := time.Now()
	for _, in := range [][2]string{{"", ""}, {"30d", "2030-01-01T00:00:00Z"}} {
		if _, err := parseExpiry(in[0], in[1], now); err == nil || err.Error() != errExpiryOne {
			t.Errorf("parseExpiry(%q, %q) = %v, want %q", in[0], in[1], err, errExpiryOne)
		}
	}
}

// A SPAT always sends an absolute expiry: now + ttl for expiresIn.
func TestExpiryAbsolute(t *testing.T) {
	now := time.Date(2026, 11, 23, 11, 33, 11, 916856676, time.FixedZone("x", 3600))
	e, err := parseExpiry("30d", "", now)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.absolute(now).Format(time.RFC3339Nano), "2026-12-23T10:33:11.916856676Z"; got != want {
		t.Fatalf("absolute = %s, want %s", got, want)
	}
}
