package redact

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestString(t *testing.T) {
	cases := []struct{ in, want string }{
		{"token kpat_DoRQeLJVS6G7lwleKI77sypGi20qT5JXKBdnpHud1mOQk4Srv ok", "token [REDACTED] ok"},
		{"spat_12345678901234567890", "[REDACTED]"},
		{"Authorization: Bearer eyJhbGciOi.JIUzI1.NiJ9==", "Authorization: Bearer [REDACTED]"},
		{"authorization: bearer abc", "authorization: bearer [REDACTED]"},
		{"KPAT_Upper", "[REDACTED]"},
		{"a PAT starts with kpat_ and that is all", "a PAT starts with kpat_ and that is all"},
		{"nothing here", "nothing here"},
		{`{"konnect_token":"kpat_abc123"}`, `{"konnect_token":"[REDACTED]"}`},
	}
	for _, c := range cases {
		if got := String(c.in); got != c.want {
			t.Errorf("String(%q) = %q, want %q", c.in, got, c.want)
		}
		if Contains(c.in) != (c.in != c.want) {
			t.Errorf("Contains(%q) = %v", c.in, Contains(c.in))
		}
	}
}

func TestErrorKeepsChain(t *testing.T) {
	base := fmt.Errorf("open kpat_secretvalue: %w", fs.ErrNotExist)
	err := Error(base)
	if err.Error() != "open [REDACTED]: file does not exist" {
		t.Fatalf("message %q", err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("chain lost")
	}
	if Error(nil) != nil {
		t.Fatal("nil in, non-nil out")
	}
	plain := errors.New("plain")
	if Error(plain) != plain {
		t.Fatal("clean error should pass through unchanged")
	}
}

func BenchmarkStringClean(b *testing.B) {
	s := "daemon/status answered in 12µs for client vscode"
	for b.Loop() {
		String(s)
	}
}
