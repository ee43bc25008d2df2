package konnect_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/konnect/emulator"
	"github.com/konnectd/konnectd/konnect/spec"
)

// rig is a strict emulator on a real loopback socket and a client whose
// every exchange is validated against the spec on the client side too.
type rig struct {
	emu    *emulator.Emulator
	client *konnect.Client
	rec    *spec.Recorder
	base   string
}

func newRig(t testing.TB, o emulator.Options, co konnect.Options) *rig {
	t.Helper()
	o.Strict = true
	emu, err := emulator.New(o)
	if err != nil {
		t.Fatal(err)
	}
	base, err := emu.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	rec, err := spec.NewRecorder()
	if err != nil {
		t.Fatal(err)
	}
	co.BaseURL = base
	if co.Token == "" {
		co.Token = emu.AdminToken()
	}
	if co.MinBackoff == 0 {
		co.MinBackoff, co.MaxBackoff = time.Millisecond, 20*time.Millisecond
	}
	co.HTTPClient = &http.Client{Transport: rec.Transport(nil), Timeout: 60 * time.Second}
	c, err := konnect.New(co)
	if err != nil {
		t.Fatal(err)
	}
	return &rig{emu: emu, client: c, rec: rec, base: base}
}

// clean fails the test on any spec violation on either side.
func (r *rig) clean(t testing.TB) {
	t.Helper()
	for _, v := range r.rec.Violations() {
		t.Errorf("client-side spec violation: %s", v)
	}
	for _, v := range r.emu.Violations() {
		t.Errorf("emulator-side spec violation: %s", v)
	}
}

// noSecret fails if s holds a token.
func noSecret(t testing.TB, s string) {
	t.Helper()
	if redact.Contains(s) || strings.Contains(s, "kpat_") || strings.Contains(s, "spat_") {
		t.Errorf("text holds a secret: %s", redact.String(s))
	}
}
