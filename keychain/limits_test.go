package keychain

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

func TestMaxSecretLen(t *testing.T) {
	if got := maxSecretLen("windows", "konnectd", "default"); got != 2560 {
		t.Errorf("windows limit = %d; want 2560", got)
	}
	if got := maxSecretLen("linux", "konnectd", "default"); got != 64<<10 {
		t.Errorf("linux limit = %d; want 64 KiB", got)
	}
	// macOS: the limit is the largest secret whose go-keyring command line
	// fits in 4096 bytes; one byte more must not fit.
	for _, account := range []string{"default", "token:ci", "it's quoted", strings.Repeat("a", 900)} {
		n := maxSecretLen("darwin", "konnectd", account)
		line := func(n int) int {
			pw := "go-keyring-base64:" + base64.StdEncoding.EncodeToString(make([]byte, n))
			return len(fmt.Sprintf("add-generic-password -U -s %s -a %s -w %s\n", shellQuote("konnectd"), shellQuote(account), shellQuote(pw)))
		}
		if line(n) > 4096 || line(n+1) <= 4096 {
			t.Errorf("darwin limit for account of %d bytes = %d: line %d, line for one more byte %d; want the largest that fits 4096",
				len(account), n, line(n), line(n+1))
		}
	}
	if n := maxSecretLen("darwin", "konnectd", "default"); n < 3000 || n > 3100 {
		t.Errorf("darwin limit for default = %d; want about 3000, as documented", n)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":           "''",
		"default":    "default",
		"token:ci":   "token:ci",
		"it's":       `'it'"'"'s'`,
		"with space": "'with space'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q; want %q", in, got, want)
		}
	}
}
