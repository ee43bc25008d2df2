package konnect_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/konnectd/konnectd/internal/version"
	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/konnect/emulator"
)

// toEmulator carries requests addressed to Konnect's real hosts to the
// emulator instead, noting where each was addressed: the client's routing
// is what is under test, and no request leaves the machine.
type toEmulator struct {
	emu  *url.URL
	base http.RoundTripper
	mu   sync.Mutex
	seen []string // scheme://host of each request, as the client addressed it
	ua   []string
}

func (t *toEmulator) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.seen = append(t.seen, req.URL.Scheme+"://"+req.URL.Host)
	t.ua = append(t.ua, req.Header.Get("User-Agent"))
	t.mu.Unlock()
	r := req.Clone(req.Context())
	r.URL.Scheme, r.URL.Host, r.Host = t.emu.Scheme, t.emu.Host, ""
	return t.base.RoundTrip(r)
}

// TestIdentityCallsGoToTheGlobalHost: with a regional base URL (from
// konnect.base-url or konnect.region) every identity call, reads and
// creates alike, is addressed to https://global.api.konghq.com, as
// Konnect's SDK pins them, and carries konnectd's User-Agent.
func TestIdentityCallsGoToTheGlobalHost(t *testing.T) {
	r := newRig(t, emulator.Options{}, konnect.Options{})
	emu, _ := url.Parse(r.base)
	for base, want := range map[string]string{
		"https://eu.api.konghq.com":  "https://global.api.konghq.com",
		"https://au.api.konghq.com/": "https://global.api.konghq.com",
		"https://us.api.konghq.tech": "https://global.api.konghq.tech",
	} {
		tr := &toEmulator{emu: emu, base: r.rec.Transport(nil)}
		c, err := konnect.New(konnect.Options{BaseURL: base, Token: r.emu.AdminToken(),
			HTTPClient: &http.Client{Transport: tr, Timeout: time.Minute}})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		me, err := c.Me(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Organization(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListUsers(ctx, konnect.ListOptions{PageSize: 1}); err != nil {
			t.Fatal(err)
		}
		p, err := c.CreatePAT(ctx, me.ID, konnect.PATRequest{Name: "routing", TTLSeconds: 86400})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.DeletePAT(ctx, me.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		if len(tr.seen) < 7 { // me, org, 3 user pages, create, delete
			t.Fatalf("%s: only %d requests seen", base, len(tr.seen))
		}
		for i, h := range tr.seen {
			if h != want {
				t.Errorf("base %s: request %d went to %s, want %s", base, i, h, want)
			}
			if tr.ua[i] != version.UserAgent() || !strings.HasPrefix(tr.ua[i], "konnectd/") {
				t.Errorf("User-Agent %q, want %q", tr.ua[i], version.UserAgent())
			}
		}
	}
	r.clean(t)
}

// TestRedirectCannotCarryTheCredentialAway: a redirect to a host that may
// not receive a credential is refused before it is followed, and the error
// names the host. The redirecting server is a real one on loopback.
func TestRedirectCannotCarryTheCredentialAway(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://konnect.evil.example/v3/users/me", http.StatusFound)
	}))
	defer srv.Close()
	c, err := konnect.New(konnect.Options{BaseURL: srv.URL, Token: "kpat_" + strings.Repeat("s", 49), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Me(context.Background())
	if err == nil || !strings.Contains(err.Error(), `refusing to send a credential to host "konnect.evil.example"`) {
		t.Fatalf("redirect to an untrusted host: %v", err)
	}
	noSecret(t, err.Error())
}

// TestCreateWithUnusableAnswer: Konnect said 201 but the answer cannot be
// read, or lacks the secret. The token exists and its value is lost, so
// the error must say "look before creating another" (ErrOutcomeUnknown)
// rather than read like an ordinary failure, and the POST is sent once.
func TestCreateWithUnusableAnswer(t *testing.T) {
	for _, tc := range []struct{ name, body string }{
		{"cut short", `{"id":"7664ab12-0000-4000-8000-000000000001","name":"ci","konnect_tok`},
		{"no secret", `{"id":"7664ab12-0000-4000-8000-000000000001","name":"ci","token":""}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			posts := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				posts++
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusCreated)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			c, err := konnect.New(konnect.Options{BaseURL: srv.URL, Token: "kpat_" + strings.Repeat("s", 49), MaxRetries: 5})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.CreatePAT(context.Background(), "7f9fd312-0000-4000-8000-000000000001", konnect.PATRequest{Name: "ci", TTLSeconds: 86400})
			if !errors.Is(err, konnect.ErrOutcomeUnknown) {
				t.Fatalf("PAT: err = %v, want ErrOutcomeUnknown", err)
			}
			_, err = c.CreateSPAT(context.Background(), "a1b2c3d4-0001-4000-8000-000000000001", "ci", time.Now().Add(48*time.Hour))
			if !errors.Is(err, konnect.ErrOutcomeUnknown) {
				t.Fatalf("SPAT: err = %v, want ErrOutcomeUnknown", err)
			}
			if posts != 2 {
				t.Fatalf("%d POSTs for two creates: a create with an answer was sent again", posts)
			}
			noSecret(t, err.Error())
		})
	}
}
