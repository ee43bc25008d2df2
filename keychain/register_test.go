package keychain

import (
	"context"
	"strings"
	"testing"

	"github.com/konnectd/konnectd/internal/redact"
)

// TestSecretsAreRegisteredForRedaction: whatever is written to or read
// from a Store Open returns is masked from then on, transforms included,
// so a caller that puts a piece of it in an error cannot leak it.
func TestSecretsAreRegisteredForRedaction(t *testing.T) {
	redact.Forget()
	t.Cleanup(redact.Forget)
	s, path := openFile(t)
	ctx := context.Background()
	const secret = "kpat_Zx8Wc7Vb6Nm5Lk4Jh3Gf2Ds1AqPoIuYtReWq0" // made up for this test
	if err := s.Set(ctx, "default", secret); err != nil {
		t.Fatal(err)
	}
	if got := redact.String("error near " + secret[5:]); strings.Contains(got, secret[5:20]) {
		t.Fatalf("after Set: %q", got)
	}
	// A new process (here: an empty registry) that only reads it.
	redact.Forget()
	s2, err := Open(Options{Backend: KindFile, FilePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s2.Get(ctx, "default"); err != nil || v != secret {
		t.Fatalf("Get = %v", err)
	}
	if got := redact.String("error near " + secret[5:]); strings.Contains(got, secret[5:20]) {
		t.Fatalf("after Get: %q", got)
	}
}
