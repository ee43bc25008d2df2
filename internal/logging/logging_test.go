package logging

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
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
