//go:build linux

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/konnectd/konnectd/konnect/emulator"
)

// TestIdentityProgressOnATerminal: with stderr on a terminal, get shows
// the count as pages arrive and erases it before the answer.
func TestIdentityProgressOnATerminal(t *testing.T) {
	w := newWorld(t, worldOptions{emu: emulator.Options{Users: 73}})
	w.login("default")
	out, tty := w.cliWithTTYStderr(t, "get", "users", "--page-size", "10", "-o", "json", "--jq", "length")
	if out != "73\n" || !strings.Contains(tty, "Fetching users: 73 of 73") || !strings.HasSuffix(tty, "\r\x1b[K") {
		t.Errorf("terminal progress: stdout %q, terminal %q", out, tty)
	}
}

// cliWithTTYStderr runs the CLI with stderr on a fresh pseudo-terminal and
// returns its stdout and what the terminal received.
func (w *world) cliWithTTYStderr(t *testing.T, args ...string) (string, string) {
	t.Helper()
	master, slave := openPTY(t)
	var term strings.Builder
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			term.Write(buf[:n])
			if err != nil {
				return // EIO once the slave side is closed everywhere
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), w.env...)
	cmd.Stderr = slave
	out, err := cmd.Output()
	slave.Close()
	if err != nil {
		t.Fatalf("konnectd %v: %v", args, err)
	}
	select {
	case <-copied:
	case <-time.After(30 * time.Second):
		t.Fatal("the terminal never closed")
	}
	master.Close()
	return string(out), term.String()
}

// openPTY opens a pseudo-terminal pair with the raw Linux ioctls, so the
// test needs no extra module; output post-processing is turned off so the
// bytes read are the bytes written.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	tio, err := unix.IoctlGetTermios(int(s.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	tio.Oflag &^= unix.OPOST
	if err := unix.IoctlSetTermios(int(s.Fd()), unix.TCSETS, tio); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// TestPATFlagWarnsOnATerminal: --pat works as kongctl's, and a person
// whose stderr is a terminal is told argv is visible and what to use
// instead; the warning never holds the token.
func TestPATFlagWarnsOnATerminal(t *testing.T) {
	w := newWorld(t, worldOptions{})
	pat := w.emu.AdminToken()
	out, tty := w.cliWithTTYStderr(t, "get", "me", "--pat", pat, "-o", "json", "--jq", ".email")
	if out != "\"CharlieCruz@konghq.com\"\n" || !strings.Contains(tty, "Warning: --pat puts the token on the command line") ||
		!strings.Contains(tty, "'konnectd login'") || strings.Contains(tty, pat) {
		t.Errorf("--pat on a terminal: stdout %q, terminal %q", out, redactNormalised(tty))
	}
}
