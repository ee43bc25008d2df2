package mcp

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// The cap is per message (line), not per read: a host may send many
// messages in one write, together far over the cap.
func TestLineLimit(t *testing.T) {
	small := strings.Repeat(strings.Repeat("x", 99)+"\n", 1000) // 100 KB of 100-byte lines
	l := &lineLimit{r: io.NopCloser(strings.NewReader(small)), max: 100}
	b, err := io.ReadAll(l)
	if err != nil || len(b) != len(small) {
		t.Fatalf("lines under the cap: read %d of %d, %v", len(b), len(small), err)
	}

	big := "ok\n" + strings.Repeat("y", 101) + "\nnever\n"
	l = &lineLimit{r: io.NopCloser(strings.NewReader(big)), max: 100}
	b, err = io.ReadAll(l)
	if !errors.Is(err, ErrMessageTooLarge) {
		t.Fatalf("a line over the cap: %v", err)
	}
	if want := "ok\n" + strings.Repeat("y", 100); string(b) != want {
		t.Fatalf("read %q before the error, want the bytes up to the cap", b)
	}
}
