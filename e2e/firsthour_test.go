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

// TestUsageErrorsAndVersion: cobra's own checks end as konnectd's usage
// errors (exit 2, a message naming the flags or the shell), and --version
// is "konnectd version".
func TestUsageErrorsAndVersion(t *testing.T) {
	clash := run(t, "", nil, "create", "pat", "--name", "x", "--expires-in", "1d", "--store", "a", "--store-as-profile", "b")
	if clash.code != 2 || !strings.Contains(clash.stderr, "--store and --store-as-profile cannot be used together") ||
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
// command (kongctl's "--jq-raw-output requires --jq"), except create,
// where kongctl ignores it and konnectd, a drop-in, does the same.
func TestRawWithoutJQFollowsKongctl(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	for _, args := range [][]string{
		{"get", "pats", "-r"}, {"get", "me", "-r"}, {"get", "users", "-r"}, {"call", "daemon/status", "-r"},
	} {
		if r := w.cli("", nil, args...); r.code != 2 || !strings.Contains(r.stderr, "--jq-raw-output requires --jq") {
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
		if r.code != 2 || !strings.Contains(r.stderr, c.field) || !strings.Contains(r.stderr, c.want) || strings.Contains(r.stdout, "No resources found") {
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
