package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// runDevNull runs konnectd with stdin on /dev/null, as "< /dev/null" in a
// shell does: a character device that is not a terminal.
func runDevNull(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = null
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run konnectd %v: %v", args, err)
	}
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// TestLoginFromDevNullIsNoToken: /dev/null is a character device but not a
// terminal, so login reads it as an empty stdin ("no token given", a usage
// error) instead of trying to turn its echo off.
func TestLoginFromDevNullIsNoToken(t *testing.T) {
	w := newWorld(t, worldOptions{})
	for name, r := range map[string]result{
		"/dev/null":   runDevNull(t, w.env, "login"),
		"empty stdin": w.cli("", nil, "login"),
	} {
		if r.code != 2 || !strings.Contains(r.stderr, "no token given") || strings.Contains(r.stderr, "ioctl") {
			t.Errorf("login < %s: %s", name, r)
		}
	}
}

// TestUsageErrorsAndVersion: cobra's own checks end as usage errors with a
// message naming the flags or the shell (exit 1 on kongctl's create, as
// kongctl; 2 on konnectd's own completion), and --version is "konnectd
// version".
func TestUsageErrorsAndVersion(t *testing.T) {
	clash := run(t, "", nil, "create", "pat", "--name", "x", "--expires-in", "1d", "--store", "a", "--store-as-profile", "b")
	if clash.code != 1 || !strings.Contains(clash.stderr, "--store and --store-as-profile cannot be used together") ||
		!strings.Contains(clash.stderr, "Run 'konnectd create pat --help' for usage") || strings.Contains(clash.stderr, "group") {
		t.Errorf("--store with --store-as-profile: %s", clash)
	}
	nosh := run(t, "", nil, "completion", "nosh")
	if nosh.code != 2 || nosh.stdout != "" || !strings.Contains(nosh.stderr, `unknown shell "nosh"`) || !strings.Contains(nosh.stderr, "bash") {
		t.Errorf("completion nosh: %s", nosh)
	}
	if bash := run(t, "", nil, "completion", "bash"); bash.code != 0 || !strings.Contains(bash.stdout, "bash completion") {
		t.Errorf("completion bash: %s", bash)
	}
	v, ver := run(t, "", nil, "--version"), run(t, "", nil, "version")
	if v.code != 0 || ver.code != 0 || v.stdout != ver.stdout || !strings.HasPrefix(v.stdout, "konnectd ") {
		t.Errorf("--version: %s\nversion: %s", v, ver)
	}
}

// TestRawWithoutJQFollowsKongctl: -r without --jq is refused by every
// command (kongctl's "--jq-raw-output requires --jq", exit 1 on kongctl's
// commands, 2 on konnectd's call), except create, where kongctl ignores
// it and konnectd, a drop-in, does the same.
func TestRawWithoutJQFollowsKongctl(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	for _, args := range [][]string{
		{"get", "pats", "-r"}, {"get", "me", "-r"}, {"get", "users", "-r"}, {"call", "daemon/status", "-r"},
	} {
		want := 1
		if args[0] == "call" {
			want = 2
		}
		if r := w.cli("", nil, args...); r.code != want || !strings.Contains(r.stderr, "--jq-raw-output requires --jq") {
			t.Errorf("%v: %s", args, r)
		}
	}
	if r := w.cli("", nil, "create", "pat", "--name", "raw", "--expires-in", "1d", "-r", "-o", "json"); r.code != 0 || !strings.Contains(r.stdout, `"name": "raw"`) {
		t.Errorf("create pat -r without --jq (kongctl ignores -r): %s", r)
	}
}

// TestFilterValueOfTheWrongType: a value that cannot be compared as its
// field's type is a usage error naming the field and the type, not a
// silent "No resources found.".
func TestFilterValueOfTheWrongType(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	for _, c := range []struct{ filter, field, want string }{
		{"filter[updated_at]=notadate", "updated_at", "date-time"},
		{"filter[created_at][lt]=yesterday", "created_at", "date-time"},
		{"filter[active]=maybe", "active", "boolean"},
		{`{"email":{"contains":5}}`, "email.contains", "takes a string"},
	} {
		r := w.cli("", nil, "get", "users", "--filter", c.filter)
		if r.code != 1 || !strings.Contains(r.stderr, c.field) || !strings.Contains(r.stderr, c.want) || strings.Contains(r.stdout, "No resources found") {
			t.Errorf("--filter %s: %s", c.filter, r)
		}
	}
	// Values of the right type still work, either side of the wire.
	for _, f := range []string{"filter[active]=true", "filter[updated_at][gt]=2000-01-01", `{"email":{"contains":"@"}}`} {
		if r := w.cli("", nil, "get", "users", "--filter", f); r.code != 0 || !strings.Contains(r.stdout, "Alex Cruz") {
			t.Errorf("--filter %s: %s", f, r)
		}
	}
}

// TestStatusTellsFailuresApart: status says which of "no credential",
// "Konnect rejected the token" and "Konnect could not be reached" it is,
// with the login command for that profile, and shows each retry of an
// unreachable Konnect as it happens (stderr, via $/progress) and in the
// daemon's log at INFO.
func TestStatusTellsFailuresApart(t *testing.T) {
	w := newWorld(t, worldOptions{configYAML: "default:\n  konnect:\n    base-url: {{URL}}\n" +
		"team-a:\n  konnect:\n    base-url: {{URL}}\n" +
		"down:\n  konnect:\n    base-url: http://127.0.0.1:1\n"})
	none := w.cli("", nil, "status", "-p", "team-a")
	if none.code != 1 || !strings.Contains(none.stdout, `Authenticated: no: no credential for profile "team-a"`) ||
		!strings.Contains(none.stdout, "Hint:          run 'konnectd login --profile team-a'") {
		t.Errorf("no credential: %s", none)
	}
	w.keys.SecretToolStore(t, "konnectd", "team-a", "kpat_"+strings.Repeat("x", 49))
	bad := w.cli("", nil, "status", "-p", "team-a")
	if bad.code != 1 || !strings.Contains(bad.stdout, "Authenticated: no: Konnect rejected the token from keychain") ||
		!strings.Contains(bad.stdout, "run 'konnectd login --profile team-a' to store a new one") {
		t.Errorf("rejected: %s", bad)
	}
	down := w.cli("", []string{"KONGCTL_DOWN_KONNECT_PAT=kpat_" + strings.Repeat("y", 49)}, "status", "-p", "down")
	if down.code != 1 || !strings.Contains(down.stdout, "Authenticated: unknown: Konnect could not be reached at http://127.0.0.1:1") ||
		strings.Contains(down.stdout, "Authenticated: no") || !strings.Contains(down.stderr, "could not be checked: Konnect is unreachable") {
		t.Errorf("unreachable: %s", down)
	}
	if n := strings.Count(down.stderr, "Retrying: http://127.0.0.1:1: "); n != 4 || !strings.Contains(down.stderr, "retry 1 of 4 in ") {
		t.Errorf("want the 4 retries on stderr as they happen, got %d: %s", n, down)
	}
	if logs := w.d.logs(); !strings.Contains(logs, "konnect request failed; retrying") || !strings.Contains(logs, "level=INFO") {
		t.Errorf("daemon log has no INFO line per retry:\n%s", logs)
	}
	var st struct {
		State, Konnect, Hint string
	}
	if err := w.call("auth/status", map[string]string{"profile": "team-a"}, &st); err != nil || st.State != "rejected" {
		t.Errorf("auth/status state: %+v %v", st, err)
	}
}

// TestStatusWithoutKeychain: with no D-Bus session bus the keychain cannot
// be asked, so status says so and names what works instead of
// recommending "konnectd login", which needs the keychain.
func TestStatusWithoutKeychain(t *testing.T) {
	dir := sockDir(t)
	config := dir + "-config.yaml"
	if err := os.WriteFile(config, []byte("default:\n  konnect:\n    base-url: http://127.0.0.1:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(config) })
	env := []string{"DBUS_SESSION_BUS_ADDRESS=", "KONGCTL_CONFIG_FILE=" + config}
	d := startDaemon(t, env, "--config-file", config)
	r := run(t, "", append(env, "KONNECTD_SOCKET="+d.socket), "status")
	if r.code != 1 || !strings.Contains(r.stdout, "Keychain:      system, unreachable: ") ||
		!strings.Contains(r.stdout, "the system keychain is unreachable") ||
		!strings.Contains(r.stdout, "KONGCTL_DEFAULT_KONNECT_PAT") || !strings.Contains(r.stdout, "--keychain=file") ||
		strings.Contains(r.stdout, "'konnectd login' to store") {
		t.Errorf("status without a keychain: %s", r)
	}
}

// TestGetPatsExpiryColumns: get pats keeps kongctl's table byte for byte,
// and --expiry (konnectd only) adds each token's state and expiry.
func TestGetPatsExpiryColumns(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	if r := w.cli("", nil, "create", "pat", "--name", "ci", "--expires-in", "30d", "-o", "json"); r.code != 0 {
		t.Fatalf("create pat: %s", r)
	}
	plain := w.cli("", nil, "get", "pats", "-o", "text")
	if plain.code != 0 || !strings.HasPrefix(plain.stdout, "NAME            TYPE  SYSTEM ACCOUNT ID  ID\n") || strings.Contains(plain.stdout, "STATE") {
		t.Errorf("get pats is not kongctl's table: %s", plain)
	}
	wide := w.cli("", nil, "get", "pats", "-o", "text", "--expiry")
	lines := strings.Split(strings.TrimSpace(wide.stdout), "\n")
	if wide.code != 0 || len(lines) < 2 || !strings.Contains(lines[0], "SYSTEM ACCOUNT ID  STATE") || !strings.Contains(lines[0], "EXPIRES AT") {
		t.Fatalf("get pats --expiry: %s", wide)
	}
	var ci string
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "ci ") {
			ci = l
		}
	}
	// The new PAT is active and expires in 30 days: its year is this year or next.
	year := time.Now().UTC().AddDate(0, 0, 30).Format("2006-")
	if !strings.Contains(strings.ToLower(ci), " active ") || !strings.Contains(ci, year) {
		t.Errorf("the ci row lacks its state or expiry: %q\n%s", ci, wide)
	}
	if one := w.cli("", nil, "get", "pat", "ci", "-o", "text", "--expiry"); one.code != 0 || !strings.Contains(one.stdout, "EXPIRES AT") {
		t.Errorf("get pat ci --expiry: %s", one)
	}
}
