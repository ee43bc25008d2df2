package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/konnectd/konnectd/konnect/emulator"
)

// TestKongctlFlagsPerRequest: kongctl's inherited flags beyond the
// recorded cases, as a kongctl user would use them: --pat, --base-url and
// --region for one request, the --flag=value form, jq colour, the client's
// own log, full ids and the caller's time zone.
func TestKongctlFlagsPerRequest(t *testing.T) {
	// A profile with neither a base URL nor a token: everything comes
	// from the command line.
	w := newWorld(t, worldOptions{configYAML: "default:\n  output: text\nteam-a:\n  konnect:\n    base-url: {{URL}}\n"})
	pat := w.emu.AdminToken()
	base := "--base-url=" + w.url

	r := w.cli("", nil, "get", "me", base, "--pat="+pat, "-o", "json", "--jq", ".email")
	if r.code != 0 || r.stdout != "\"CharlieCruz@konghq.com\"\n" || r.stderr != "" {
		t.Errorf("--base-url and --pat for one request:\n%s", r)
	}
	// The flags changed nothing the daemon keeps: without them there is
	// no token.
	if r := w.cli("", nil, "get", "me"); r.code != 1 || !strings.Contains(r.stderr, "authentication token not available") {
		t.Errorf("after a --pat request:\n%s", r)
	}
	// A base URL from the profile wins over --region, as in kongctl.
	if r := w.cli("", nil, "get", "me", "-p", "team-a", "--region", "eu", "--pat", pat); r.code != 0 || !strings.Contains(r.stdout, "CharlieCruz@konghq.com") {
		t.Errorf("--region under a profile base URL:\n%s", r)
	}
	if r := w.cli("", nil, "get", "me", "--region", "e_u", "--pat", pat); r.code != 1 || !strings.Contains(r.stderr, `invalid konnect region "e_u" (expected lowercase letters, numbers, or hyphens)`) {
		t.Errorf("--region e_u:\n%s", r)
	}
	// The host allow-list holds for a per-request base URL.
	if r := w.cli("", nil, "get", "me", "--base-url", "http://example.com", "--pat", pat); r.code != 1 || !strings.Contains(r.stderr, `refusing to send a credential to host "example.com"`) {
		t.Errorf("--base-url http://example.com:\n%s", r)
	}

	// jq colour: always colours an object with chroma's friendly style,
	// never a scalar; never and auto (not a terminal) do not.
	colored := w.cli("", nil, "get", "me", base, "--pat", pat, "-o", "json", "--jq", "{email}", "--jq-color=always")
	if colored.code != 0 || !strings.Contains(colored.stdout, "\x1b[1m\x1b[38;5;4m\"email\"\x1b[0m") {
		t.Errorf("--jq-color always:\n%q", colored.stdout)
	}
	for _, args := range [][]string{{"--jq", "{email}", "--jq-color", "never"}, {"--jq", "{email}"}, {"--jq", ".email", "--jq-color", "always"}} {
		r := w.cli("", nil, append([]string{"get", "me", base, "--pat", pat, "-o", "json"}, args...)...)
		if r.code != 0 || strings.Contains(r.stdout, "\x1b[") {
			t.Errorf("%v: coloured:\n%q", args, r.stdout)
		}
	}
	if r := w.cli("", nil, "get", "me", "--jq-color", "x"); r.code != 1 || !strings.Contains(r.stderr, `invalid color mode "x", must be one of [auto always never]`) {
		t.Errorf("--jq-color x:\n%s", r)
	}

	// The client's own log: what it asked, redacted, in the file named.
	logFile := filepath.Join(t.TempDir(), "client.log")
	r = w.cli("", nil, "get", "me", base, "--pat", pat, "--log-level", "debug", "--log-file", logFile, "--no-telemetry", "--color-theme", "auto")
	if r.code != 0 || r.stderr != "" {
		t.Errorf("logging to a file:\n%s", r)
	}
	if b, err := os.ReadFile(logFile); err != nil || !strings.Contains(string(b), "method=identity/me") || strings.Contains(string(b), pat) {
		t.Errorf("client log (%v):\n%s", err, redactNormalised(string(b)))
	}

	// --text-id-format full prints whole ids; TZ is the caller's.
	r = w.cli("", []string{"TZ=Asia/Tokyo"}, "get", "organization", "user", emulator.AlexCruzID, base, "--pat", pat, "--text-id-format", "full", "-o", "text")
	if r.code != 0 || !strings.Contains(r.stdout, emulator.AlexCruzID) {
		t.Errorf("--text-id-format full:\n%s", r)
	}
	r = w.cli("", []string{"TZ=Asia/Tokyo"}, "get", "user", "AlexCruz@konghq.com", base, "--pat", pat, "-o", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"created_at": "2022-05-11 00:10:25"`) {
		t.Errorf("user times in the caller's zone:\n%s", r)
	}
}
