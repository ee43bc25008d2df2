package core_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/redact"
)

func TestCreatesToken(t *testing.T) {
	for path, want := range map[string]bool{
		"/v3/users/u1/access-tokens":            true,
		"/v3/system-accounts/a1/access-tokens/": true,
		"/v3/users/u1/access-tokens?x=1":        true,
		"/v2/control-planes":                    false,
		"/v3/users/u1/access-tokens/t1/revoke":  false,
	} {
		if got := core.CreatesToken("post", path); got != want {
			t.Errorf("POST %s: %v, want %v", path, got, want)
		}
	}
	if core.CreatesToken("GET", "/v3/users/u1/access-tokens") {
		t.Error("a GET creates nothing")
	}
}

// TestRequestMasksEchoedTokens: a token value in a passed-on header or in
// the body is masked unless RevealSecrets, and the answer says so;
// headers off the allow-list are dropped. The server is a real one on
// loopback, since the emulator never echoes a header.
func TestRequestMasksEchoedTokens(t *testing.T) {
	fake := "spat_" + strings.Repeat("Q", 50)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/v2/things/1?echo="+fake)
		w.Header().Set("Set-Cookie", "session=abc")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"secret":"` + fake + `"}`))
	}))
	defer srv.Close()
	f, err := config.Parse("config.yaml", []byte("default:\n  konnect:\n    base-url: "+srv.URL+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	svc := core.New(core.Options{Config: fixedConfig{f}})
	caller := core.Caller{Env: config.Env{"KONGCTL_DEFAULT_KONNECT_PAT": "kpat_" + strings.Repeat("c", 49)}}
	res, err := svc.Request(context.Background(), caller, core.APIRequest{Method: "POST", Path: "/v2/things", Body: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Redacted || strings.Contains(string(res.Body), fake) || strings.Contains(res.Headers["Location"], fake) ||
		!strings.Contains(res.Headers["Location"], redact.Mask) || len(res.Warnings) == 0 {
		t.Fatalf("not masked: %+v", redact.String(strings.Join([]string{string(res.Body), res.Headers["Location"]}, " ")))
	}
	if _, ok := res.Headers["Set-Cookie"]; ok {
		t.Error("Set-Cookie was passed on")
	}
	res, err = svc.Request(context.Background(), caller, core.APIRequest{Method: "POST", Path: "/v2/things", Body: []byte(`{}`), RevealSecrets: true})
	if err != nil || res.Redacted || !strings.Contains(string(res.Body), fake) || !strings.Contains(res.Headers["Location"], fake) {
		t.Fatalf("--reveal-secrets: %v redacted=%v", err, res.Redacted)
	}
}
