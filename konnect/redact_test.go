package konnect_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/konnect/emulator"
)

// TestClientRegistersItsSecrets: the credential a client is built with and
// the secret of every token it creates are masked from then on, in any
// form, before the caller has done anything with them.
func TestClientRegistersItsSecrets(t *testing.T) {
	redact.Forget()
	t.Cleanup(redact.Forget)
	r := newRig(t, emulator.Options{}, konnect.Options{})
	admin := r.emu.AdminToken()
	if got := redact.String("x" + admin[5:]); strings.Contains(got, admin[5:17]) {
		t.Fatalf("the client's credential is not registered: %q", got)
	}
	p, err := r.client.CreatePAT(context.Background(), emulator.CharlieCruzID, konnect.PATRequest{Name: "ci", TTLSeconds: 86400})
	if err != nil {
		t.Fatal(err)
	}
	if got := redact.String("near " + p.Token[5:]); strings.Contains(got, p.Token[5:17]) {
		t.Fatalf("a created PAT is not registered: %q", got)
	}
	s, err := r.client.CreateSPAT(context.Background(), "a1b2c3d4-0001-4000-8000-000000000001", "ci", time.Now().Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got := redact.String("near " + s.Token[5:]); strings.Contains(got, s.Token[5:17]) {
		t.Fatalf("a created SPAT is not registered: %q", got)
	}
}
