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
