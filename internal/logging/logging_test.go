package logging

import (
	"bytes"
	"encoding/base64"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/konnectd/konnectd/internal/redact"
)

func TestRedactsEverywhere(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, slog.LevelDebug).With("pat", "kpat_withattr123")
	log.Info("got kpat_inmessage456",
		"header", "Bearer abc.def.ghi",
		"err", errors.New("login failed for spat_inerror789"),
		slog.Group("req", "token", "kpat_ingroup000"),
		"count", 3)
	out := buf.String()
	for _, secret := range []string{"kpat_withattr123", "kpat_inmessage456", "abc.def.ghi", "spat_inerror789", "kpat_ingroup000"} {
		if strings.Contains(out, secret) {
			t.Errorf("log line leaks %s", secret)
		}
	}
	for _, kept := range []string{"count=3", "Bearer [REDACTED]", "[REDACTED]"} {
		if !strings.Contains(out, kept) {
			t.Errorf("log line lost %q", kept)
		}
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]slog.Level{"debug": slog.LevelDebug, "trace": slog.LevelDebug, "INFO": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError} {
		if got, err := ParseLevel(in); err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseLevel("loud"); err == nil || !strings.Contains(err.Error(), "loud") {
		t.Errorf("ParseLevel(loud) error = %v", err)
	}
}

// TestRedactsRegisteredValues: a registered secret's transforms are masked
// in messages, attributes, groups and errors alike.
func TestRedactsRegisteredValues(t *testing.T) {
	redact.Forget()
	t.Cleanup(redact.Forget)
	const secret = "spat_Hq2Lw9Xe4Rt7Yu1Io3Pa6Sd8Fg5Jk0Zc" // made up for this test
	redact.Register(secret)
	enc := base64.StdEncoding.EncodeToString([]byte(secret))
	var buf bytes.Buffer
	New(&buf, slog.LevelDebug).With("a", secret[5:]).Info("msg "+secret[6:],
		"err", errors.New("failed on "+enc), slog.Group("g", "v", strings.ToUpper(secret[5:])))
	out := strings.ToLower(buf.String())
	for i := 5; i+12 <= len(secret); i++ {
		if strings.Contains(out, strings.ToLower(secret[i:i+12])) {
			t.Fatalf("log line leaks a piece of the secret: %s", buf.String())
		}
	}
	if strings.Contains(buf.String(), enc[:16]) {
		t.Fatalf("log line leaks the secret's base64: %s", buf.String())
	}
}
