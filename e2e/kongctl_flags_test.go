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
	w := newWorld(t, worldOptions{configYAML: "default:\n  output: text\nteam-a:\n  konnect:\n    base-url: {{URL}}\n" +
		"  jq:\n    color:\n      enabled: always\n  text:\n    layout: wide\n    id-format: full\n" +
		"team-b:\n  konnect:\n    base-url: {{URL}}\n  jq:\n    default-expression: .email\n    raw-output: true\n"})
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
	if r := w.cli("", nil, "get", "me", "-p", "team-a", "--region", "eu", "--pat", pat, "-o", "json"); r.code != 0 || !strings.Contains(r.stdout, "CharlieCruz@konghq.com") {
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
	// The profile's jq.color.enabled and text.* apply when the flags are
	// not given, and the flags win over them.
	if r := w.cli("", nil, "get", "me", "-p", "team-a", "--pat", pat, "-o", "json", "--jq", "{email}"); !strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("jq.color.enabled always:\n%q", r.stdout)
	}
	if r := w.cli("", nil, "get", "me", "-p", "team-a", "--pat", pat, "-o", "json", "--jq", "{email}", "--jq-color", "never"); strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("--jq-color never over the profile's always:\n%q", r.stdout)
	}
	if r := w.cli("", nil, "get", "me", "-p", "team-a", "--pat", pat); !strings.Contains(r.stdout, "LOCAL CREA") || !strings.Contains(r.stdout, emulator.CharlieCruzID) {
		t.Errorf("text.layout wide, text.id-format full:\n%s", r)
	}
	if r := w.cli("", nil, "get", "me", "-p", "team-a", "--pat", pat, "--text-layout", "compact"); strings.Contains(r.stdout, "LOCAL CREA") {
		t.Errorf("--text-layout compact over the profile's wide:\n%s", r)
	}
	// jq.default-expression and jq.raw-output apply when --jq and -r are
	// not given; --jq wins.
	if r := w.cli("", nil, "get", "me", "-p", "team-b", "--pat", pat, "-o", "json"); r.code != 0 || r.stdout != "CharlieCruz@konghq.com\n" {
		t.Errorf("jq.default-expression with jq.raw-output:\n%s", r)
	}
	if r := w.cli("", nil, "get", "me", "-p", "team-b", "--pat", pat, "-o", "json", "--jq", ".full_name"); r.code != 0 || r.stdout != "Charlie Cruz\n" {
		t.Errorf("--jq over jq.default-expression:\n%s", r)
	}
	if r := w.cli("", nil, "get", "me", "--config-file", "$HOME/no/such.yaml"); r.code != 1 || r.stderr != "Error: the provided config file path does not exist\n" {
		t.Errorf("--config-file that is not there:\n%s", r)
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

// TestKongctlTreeBeyondRecording: paths, aliases and messages of
// kongctl's tree that the recorded cases do not cover.
func TestKongctlTreeBeyondRecording(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	// A system account's teams (GET /v3/system-accounts/{id}/teams).
	r := w.cli("", nil, "get", "organization", "system-account", "teams", "--system-account-name", "ci-deployer")
	if want := "NAME      SYSTEM ACCOUNT ID  ID\nPlatform  a1b2…              7f9f…\n"; r.code != 0 || r.stdout != want {
		t.Errorf("system account teams:\n%s\nwant %q", r, want)
	}
	// --skip-system-teams drops Organization Admin after the same requests.
	before := w.emu.Requests()["list-teams"]
	r = w.cli("", nil, "get", "org", "teams", "--skip-system-teams")
	if want := "NAME            SYSTEM  ID\nPlatform        false   7f9f…\nAPI Developers  false   8a1c…\n"; r.code != 0 || r.stdout != want {
		t.Errorf("--skip-system-teams:\n%s\nwant %q", r, want)
	}
	if after := w.emu.Requests()["list-teams"]; after != before+1 {
		t.Errorf("--skip-system-teams sent %d requests, want 1", after-before)
	}
	if r := w.cli("", nil, "get", "org", "team", "Organization Admin", "--skip-system-teams"); r.code != 1 || r.stderr != "Error: organization_team with name Organization Admin not found\n" {
		t.Errorf("--skip-system-teams by name:\n%s", r)
	}
	// --columns projects the JSON value, whole ids and all, on every get.
	r = w.cli("", nil, "get", "org", "users", "--columns", "EMAIL=.email", "--columns=ACTIVE=.active,ID=.id[:8]")
	if want := "EMAIL                   ACTIVE  ID\nCharlieCruz@konghq.com  true    500d74f4\nAlexCruz@konghq.com     true    500d74f4\nAlexGarcia@konghq.com   true    500d74f4\n"; r.code != 0 || r.stdout != want {
		t.Errorf("--columns:\n%s\nwant %q", r, want)
	}
	if r := w.cli("", nil, "get", "pats", "--columns", "N=.name", "-o", "json"); r.code != 1 ||
		r.stderr != "Error: --columns is only supported with --output text\n\nRun 'konnectd get pat --help' for usage\n" {
		t.Errorf("--columns with -o json:\n%s", r)
	}
	// get's --page-size reaches a system account's token listing, and me
	// accepts it, as kongctl's get does.
	before = w.emu.Requests()["get-system-account-id-access-tokens"]
	if r := w.cli("", nil, "get", "spat", "--system-account-name", "ci-deployer", "--page-size", "3", "-o", "json"); r.code != 0 || r.stdout != "[]\n" {
		t.Errorf("get spat --page-size:\n%s", r)
	}
	if after := w.emu.Requests()["get-system-account-id-access-tokens"]; after != before+1 {
		t.Errorf("get spat --page-size: %d requests", after-before)
	}
	if r := w.cli("", nil, "get", "me", "--page-size", "5", "-o", "json", "--jq", ".email"); r.code != 0 {
		t.Errorf("get me --page-size:\n%s", r)
	}
	// konnectd's short spellings print what kongctl's paths print.
	for _, pair := range [][2][]string{
		{{"get", "teams", "Platform", "-o", "json"}, {"get", "organization", "team", "Platform", "-o", "json"}},
		{{"get", "users", "-o", "yaml"}, {"get", "k", "org", "users", "-o", "yaml"}},
		{{"get", "sa", "roles", "--system-account-name", "ci-deployer"}, {"get", "konnect", "organization", "system-accounts", "roles", "--system-account-name", "ci-deployer"}},
	} {
		a, b := w.cli("", nil, pair[0]...), w.cli("", nil, pair[1]...)
		if a.code != 0 || a.stdout == "" || a.stdout != b.stdout || a.stderr != b.stderr {
			t.Errorf("%v and %v differ:\n%s\n%s", pair[0], pair[1], a, b)
		}
	}
	// kongctl's lookup and argument messages (no usage hint: kongctl
	// finds these while running).
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"get", "org", "team", "roles", "--team-name", "Nope"}, "Error: organization_team with name Nope not found\n"},
		{[]string{"get", "org", "user", "nobody@example.com"}, "Error: organization user with email \"nobody@example.com\" not found\n"},
		{[]string{"get", "org", "user", "roles", "x"}, "Error: organization user roles does not accept positional arguments; use --user-id or --user-email\n"},
		{[]string{"get", "org", "team", "roles", "--team-id", "a", "--team-name", "b"}, "Error: --team-id and --team-name cannot be used together\n"},
		{[]string{"get", "org", "sa", "teams"}, "Error: one of --system-account-id or --system-account-name is required\n"},
		{[]string{"get", "org", "sa", "roles", "--system-account-name", "nope"}, "Error: system account with name \"nope\" not found; check --system-account-name\n"},
	} {
		if r := w.cli("", nil, tc.args...); r.code != 1 || r.stderr != tc.want || r.stdout != "" {
			t.Errorf("%v:\n%s\nwant stderr %q", tc.args, r, tc.want)
		}
	}
	// Konnect's refusals carry kongctl's phrase for each command.
	bad := "--pat=" + goldenBadPAT
	for _, tc := range []struct {
		args []string
		op   string
	}{
		{[]string{"get", "organization"}, "Failed to get current organization"},
		{[]string{"get", "org", "users"}, "Failed to list organization users"},
		{[]string{"get", "org", "user", emulator.AlexCruzID}, "Failed to get organization user"},
		{[]string{"get", "org", "teams"}, "Failed to list Teams"},
		{[]string{"get", "org", "team", "7f9fd312-a987-4628-b4c5-bb4f4fddd5f7"}, "Failed to get Team"},
		{[]string{"get", "org", "sa"}, "Failed to list System Accounts"},
		{[]string{"get", "org", "sa", "ci-deployer"}, "Failed to list System Accounts"},
		{[]string{"get", "org", "sa", "a1b2c3d4-0001-4000-8000-000000000001"}, "Failed to get System Account"},
		{[]string{"get", "org", "user", "roles", "--user-id", emulator.AlexCruzID}, "Failed to list organization user roles"},
		{[]string{"get", "org", "team", "roles", "--team-id", "7f9fd312-a987-4628-b4c5-bb4f4fddd5f7"}, "Failed to list organization team roles"},
		{[]string{"get", "org", "sa", "roles", "--system-account-id", "a1b2c3d4-0001-4000-8000-000000000001"}, "Failed to list system account roles"},
		{[]string{"create", "spat", "--name", "x", "--expires-in", "7d", "--system-account-name", "ci-deployer"}, "Failed to list system accounts"},
	} {
		r := w.cli("", nil, append(tc.args, bad)...)
		if r.code != 1 || !strings.HasPrefix(r.stderr, "Error: "+tc.op+"\n  detail: Invalid credentials\n") {
			t.Errorf("%v with a bad token:\n%s\nwant %q first", tc.args, r, tc.op)
		}
	}
	// delete under the product word, confirmed with YES on stdin.
	var tc struct{ ID string }
	if err := w.call("token/createPersonal", map[string]any{"name": "gone", "expiresIn": "7d"}, &tc); err != nil {
		t.Fatal(err)
	}
	r = w.cli("YES\n", nil, "delete", "konnect", "pat", tc.ID)
	if want := "\nYou are about to delete personal access token \"gone\"\n\nDo you want to continue? Type 'yes' to confirm: Deleted pat \"gone\"\n"; r.code != 0 || r.stdout != want {
		t.Errorf("delete konnect pat <id>:\n%s", r)
	}
	// A bad -o is refused before the question, and nothing is looked up.
	before = w.emu.Requests()["list-users-personal-access-tokens"]
	if r := w.cli("yes\n", nil, "delete", "pat", "gone", "-o", "helm"); r.code != 1 || r.stdout != "" ||
		r.stderr != "Error: invalid value \"helm\" for --output, must be one of [json yaml text]\n\nRun 'konnectd delete pat --help' for usage\n" {
		t.Errorf("delete -o helm:\n%s", r)
	}
	if after := w.emu.Requests()["list-users-personal-access-tokens"]; after != before {
		t.Errorf("delete -o helm looked the token up")
	}
	// A group run alone is kongctl's error, not help with exit 0.
	if r := w.cli("", nil, "get", "konnect"); r.code != 1 || !strings.HasPrefix(r.stderr, "Error: command \"konnectd get konnect\" requires a subcommand\n\nAvailable subcommands:\n  me\n  organization\n  pat\n  spat\n") {
		t.Errorf("get konnect:\n%s", r)
	}
}
