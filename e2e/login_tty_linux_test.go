//go:build linux

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestLoginPromptDoesNotEcho: with stdin on a terminal, konnectd login
// prompts on stderr, turns echo off while the token is typed (so the
// terminal never shows it), restores echo, and stores the token.
func TestLoginPromptDoesNotEcho(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	master, slave := openPTY(t)
	echoOn := func() bool {
		tio, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		return tio.Lflag&unix.ECHO != 0
	}
	if !echoOn() {
		t.Fatal("a fresh terminal should echo")
	}
	term := &lockedBuffer{}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			term.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	cmd := exec.Command(bin, "login")
	cmd.Env = append(os.Environ(), w.env...)
	cmd.Stdin, cmd.Stderr = slave, slave
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitFor(t, "the prompt", func() bool { return strings.Contains(term.String(), "Paste your Konnect token (input is hidden): ") })
	// Type only once echo is off: the terminal echoes input as it arrives.
	waitFor(t, "echo to be turned off", func() bool { return !echoOn() })
	token := w.emu.AdminToken()
	if _, err := master.Write([]byte(token + "\r")); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("login: %v; stdout %q", err, stdout.String())
	}
	if !strings.HasPrefix(stdout.String(), "Logged in to Konnect organization \"Acme Co.\" as CharlieCruz@konghq.com") {
		t.Fatalf("login stdout %q", stdout.String())
	}
	if strings.Contains(term.String(), token) || strings.Contains(stdout.String(), token) {
		t.Fatal("the token was shown on the terminal")
	}
	if !echoOn() {
		t.Fatal("login left the terminal without echo")
	}
	secret, ok := w.keys.SecretToolLookup(t, "konnectd", "default")
	if !ok || secret != token {
		t.Fatal("the typed token is not the profile's keychain credential")
	}
}
