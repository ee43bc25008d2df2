package mcp

import (
	"runtime"
	"strings"
	"testing"
)

// TestReadHintNamesTheRealLookup: the Secret Service's attribute is
// username (not account), and the file store has no secret-tool lookup:
// there the hint is konnectd's own command.
func TestReadHintNamesTheRealLookup(t *testing.T) {
	tl := &tools{}
	file := tl.readHint("file", "token:x")
	if strings.Contains(file, "secret-tool") || !strings.Contains(file, "'konnectd get stored x --secret'") {
		t.Errorf("file store hint: %q", file)
	}
	sys := tl.readHint("system", "token:x")
	if runtime.GOOS == "linux" && !strings.Contains(sys, "'secret-tool lookup service konnectd username token:x'") {
		t.Errorf("Secret Service hint: %q", sys)
	}
	if strings.Contains(sys, " account token:x") {
		t.Errorf("the hint names an attribute secret-tool does not know: %q", sys)
	}
	if p := tl.readHint("system", "ci"); !strings.Contains(p, "'konnectd env -p ci'") {
		t.Errorf("profile hint: %q", p)
	}
}
