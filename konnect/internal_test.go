package konnect

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/konnectd/konnectd/konnect/spec"
)

// The push-down table is written out for speed; it must say what the spec
// says.
func TestServerFiltersMatchSpec(t *testing.T) {
	d, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	for op, fields := range serverFilters {
		want := d.FilterOps(op)
		got := map[string][]string{}
		for f, ops := range fields {
			for _, o := range ops {
				got[f] = append(got[f], string(o))
			}
		}
		for f := range got {
			sortStrings(got[f])
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: table %v, spec %v", op, got, want)
		}
	}
}

func sortStrings(s []string) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

func TestBackoff(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	min, max := 100*time.Millisecond, 5*time.Second
	if d := backoff(0, "2", min, max, now); d != 2*time.Second {
		t.Errorf("Retry-After: 2 → %v", d)
	}
	if d := backoff(0, now.Add(3*time.Second).Format(http1123), min, max, now); d != 3*time.Second {
		t.Errorf("Retry-After as HTTP date → %v", d)
	}
	if d := backoff(0, "3600", min, max, now); d != max {
		t.Errorf("Retry-After: 3600 → %v, want the %v cap", d, max)
	}
	if d := backoff(0, "yesterday", min, max, now); d < min || d > min*5/4 {
		t.Errorf("garbage Retry-After → %v, want the first backoff step", d)
	}
	for attempt := range 10 {
		base := min << attempt
		if base > max {
			base = max
		}
		d := backoff(attempt, "", min, max, now)
		if d < min || d > max || d < base*3/4 || d > base*5/4 {
			t.Errorf("attempt %d: %v outside ±25%% of %v", attempt, d, base)
		}
	}
}

const http1123 = "Mon, 02 Jan 2006 15:04:05 GMT"

func TestResolveBaseURL(t *testing.T) {
	for _, tc := range []struct{ base, region, want, err string }{
		{"", "", "https://us.api.konghq.com", ""},
		{"", " EU ", "https://eu.api.konghq.com", ""},
		{"", "global", "https://global.api.konghq.com", ""},
		{"", "xx", "https://xx.api.konghq.com", ""},
		{"https://eu.api.konghq.com/", "au", "https://eu.api.konghq.com", ""},
		{"", "e_u", "", `invalid konnect region "e_u" (expected lowercase letters, numbers, or hyphens)`},
	} {
		got, err := ResolveBaseURL(tc.base, tc.region)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
			t.Errorf("ResolveBaseURL(%q, %q) = %q, %v", tc.base, tc.region, got, err)
		}
	}
}

func TestNewRefusesUntrustedHosts(t *testing.T) {
	for base, identity := range map[string]string{
		"https://eu.api.konghq.com":  "https://global.api.konghq.com",
		"https://us.api.konghq.tech": "https://global.api.konghq.tech",
		"http://127.0.0.1:8080":      "http://127.0.0.1:8080",
		"http://localhost:9/":        "http://localhost:9",
		"http://[::1]:9000/v3":       "http://[::1]:9000",
	} {
		c, err := New(Options{BaseURL: base, Token: "kpat_x"})
		if err != nil || c.IdentityURL() != identity {
			t.Errorf("New(%s): identity %v, %v; want %s", base, c, err, identity)
		}
	}
	for _, base := range []string{
		"http://eu.api.konghq.com", "https://konghq.com.evil.example", "https://evilkonghq.com",
		"https://10.0.0.1", "ftp://127.0.0.1",
	} {
		_, err := New(Options{BaseURL: base, Token: "kpat_secretsecret"})
		if err == nil || !strings.HasPrefix(err.Error(), "refusing to send a credential to host") {
			t.Errorf("New(%s) = %v, want a refusal", base, err)
		} else if strings.Contains(err.Error(), "secretsecret") {
			t.Errorf("refusal names the token")
		}
	}
}

func TestAPIErrorReadsLikeKongctl(t *testing.T) {
	e := apiError("Failed to create personal access token", 400, []byte(`{"status":400,"title":"Bad Request","detail":"",
		"instance":"kong:trace:1","invalid_parameters":[{"field":"name","reason":"kpat_abcdefabcdefabcdef is taken","rule":"invalid","maximum":10}]}`))
	// kongctl prints invalid_parameters with Go's %v of the decoded maps,
	// every field included (075 and 076 of the golden cases).
	want := "Failed to create personal access token\n  instance: kong:trace:1\n" +
		"  invalid_parameters: [map[field:name maximum:10 reason:[REDACTED] is taken rule:invalid]]\n  status: 400\n  title: Bad Request"
	if e.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", e.Error(), want)
	}
	// The fields themselves are masked too: callers pass them on.
	e = apiError("Failed to get current user", 401, []byte(`{"status":401,"title":"Unauthorized","instance":"kong:trace:2",
		"detail":"token kpat_abcdefabcdefabcdef is unknown"}`))
	if e.Detail != "token [REDACTED] is unknown" {
		t.Errorf("detail field holds %q", e.Detail)
	}
	e = apiError("Failed to get current user", 502, []byte("<html>bad gateway</html>"))
	if e.Error() != "Failed to get current user\n  detail: <html>bad gateway</html>\n  status: 502\n  title: Bad Gateway" {
		t.Errorf("non-problem body: %s", e.Error())
	}
}
