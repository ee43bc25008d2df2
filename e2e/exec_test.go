package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// signalCounter is a child for konnectd exec that writes each SIGINT and
// SIGTERM it gets to $KONNECTD_E2E_SIGNALS, one line each, and exits 5 on
// SIGTERM. The e2e test binary becomes it when that variable is set (sh
// cannot count signals: it folds repeats into one trap run).
func init() {
	file := os.Getenv("KONNECTD_E2E_SIGNALS")
	if file == "" {
		return
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	os.WriteFile(file+".ready", nil, 0o600)
	for s := range sigs {
		f, _ := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if s == syscall.SIGINT {
			f.WriteString("INT\n")
			f.Close()
			continue
		}
		f.WriteString("TERM\n")
		f.Close()
		os.Exit(5)
	}
}

// waitFor polls until cond holds; the deadline only guards against a hang.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestExecPassesTokenNotArgv runs a child through konnectd exec: it sees
// the token in its environment, never in argv, and its exit code, output
// and working directory pass through.
func TestExecPassesTokenNotArgv(t *testing.T) {
	w := newWorld(t, worldOptions{configYAML: "default:\n  konnect:\n    base-url: {{URL}}\nteam-a:\n  konnect:\n    base-url: {{URL}}\n"})
	w.login("team-a")
	token := w.emu.AdminToken()
	dir := t.TempDir()
	out := filepath.Join(dir, "seen")
	// The child writes what it saw to a file, so the token never reaches
	// the test's own output.
	script := `printf '%s\n%s\n%s\n' "$KONGCTL_TEAM_A_KONNECT_PAT" "$DECK_KONNECT_TOKEN" "$KONNECT_TOKEN" > "$1"; pwd >> "$1"; cat /proc/$$/cmdline >> "$1"; echo from-child; exit 7`
	cmd := exec.Command(bin, "exec", "-p", "team-a", "--", "sh", "-c", script, "sh", out)
	cmd.Env = append(os.Environ(), w.env...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 7 {
		t.Fatalf("exit: %v (stderr %q)", err, stderr.String())
	}
	if stdout.String() != "from-child\n" || strings.Contains(stdout.String()+stderr.String(), token) {
		t.Fatalf("output passed through wrongly: %q %q", stdout.String(), stderr.String())
	}
	seen, _ := os.ReadFile(out)
	lines := strings.Split(string(seen), "\n")
	if len(lines) < 4 || lines[0] != token || lines[1] != token || lines[2] != token {
		t.Fatal("child did not get the token in all three variables")
	}
	if lines[3] != dir {
		t.Fatalf("working dir %q, want %q", lines[3], dir)
	}
	if strings.Contains(string(seen[len(strings.Join(lines[:4], "\n")):]), token) {
		t.Fatal("token in the child's argv")
	}
	// The hand-out is audit-logged, without the token.
	logs := w.d.logs()
	audit := fmt.Sprintf(`msg="credential handed out" profile=team-a source=keychain peer_pid=%d peer_exe=%s client=konnectd-exec transport=socket time=`, cmd.Process.Pid, bin)
	if !strings.Contains(logs, audit) || strings.Contains(logs, token) {
		t.Fatalf("audit log:\n%s", strings.ReplaceAll(logs, token, "[TOKEN]"))
	}
}

func TestExecCustomEnvAndErrors(t *testing.T) {
	w := newWorld(t, worldOptions{})
	// No credential anywhere: kongctl-style advice.
	r := w.cli("", nil, "exec", "--", "true")
	if r.code != 1 || !strings.Contains(r.stderr, "konnectd login") {
		t.Fatalf("no credential: %s", r)
	}
	r = w.cli("", nil, "exec", "-p", "nosuch", "--", "true")
	if r.code != 1 || !strings.Contains(r.stderr, `profile "nosuch" is not configured`) {
		t.Fatalf("unknown profile: %s", r)
	}
	r = w.cli("", nil, "exec", "--env", "1BAD", "--", "true")
	if r.code != 2 {
		t.Fatalf("bad --env: %s", r)
	}
	r = w.cli("", nil, "env", "extra")
	if r.code != 2 || r.stderr != "Error: unknown command \"extra\" for \"konnectd env\"\n\nRun 'konnectd env --help' for usage\n" {
		t.Fatalf("env with an argument: %s", r)
	}
	r = w.cli("", nil, "exec", "--", "definitely-not-a-command-xyz")
	if r.code != 127 || r.stderr != "Error: command not found: definitely-not-a-command-xyz\n" {
		t.Fatalf("missing command: %s", r)
	}
	plain := filepath.Join(t.TempDir(), "not-executable")
	os.WriteFile(plain, []byte("#!/bin/sh\n"), 0o644)
	r = w.cli("", nil, "exec", "--", plain)
	if r.code != 126 || r.stderr != "Error: permission denied: "+plain+"\n" {
		t.Fatalf("command that is not executable: %s", r)
	}
	w.login("default")
	r = w.cli("", nil, "exec", "--env", "MY_TOKEN", "--", "sh", "-c", `test -n "$MY_TOKEN" && test -z "$DECK_KONNECT_TOKEN" && echo ok`)
	if r.code != 0 || r.stdout != "ok\n" {
		t.Fatalf("--env: %s", r)
	}
	r = w.cli("", nil, "env")
	if r.code != 0 || !strings.Contains(r.stdout, "export KONGCTL_DEFAULT_KONNECT_PAT='kpat_") || !strings.Contains(r.stderr, "warning") {
		t.Fatalf("env: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestExecForwardsSignals sends SIGTERM to konnectd exec; the child gets it
// and exec ends the way the child did.
func TestExecForwardsSignals(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	dir := t.TempDir()
	ready, got := filepath.Join(dir, "ready"), filepath.Join(dir, "got")
	cmd := exec.Command(bin, "exec", "--", "sh", "-c", `trap 'echo TERM > "$2"; exit 42' TERM; touch "$1"; while :; do sleep 0.05; done`, "sh", ready, got)
	cmd.Env = append(os.Environ(), w.env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("child never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 42 {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	if b, _ := os.ReadFile(got); string(b) != "TERM\n" {
		t.Fatalf("child did not see SIGTERM: %q", b)
	}
}

// TestExecCtrlCReachesChildOnce: a terminal's Ctrl-C sends SIGINT to the
// whole foreground process group, konnectd exec and its command alike. The
// command must see it once: tools such as terraform treat a second
// interrupt as "exit immediately, data loss may occur". Then a SIGTERM
// sent to the pid konnectd exec was started as reaches the command, and a
// command killed by a signal ends konnectd exec with that signal.
func TestExecCtrlCReachesChildOnce(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	file := filepath.Join(t.TempDir(), "signals")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "exec", "--", self)
	cmd.Env = append(os.Environ(), append(w.env, "KONNECTD_E2E_SIGNALS="+file)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its own group, as a shell job
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitFor(t, "the command to start", func() bool { _, err := os.Stat(file + ".ready"); return err == nil })
	// Ctrl-C: SIGINT to the process group.
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the command to see SIGINT", func() bool { b, _ := os.ReadFile(file); return len(b) > 0 })
	// SIGTERM to konnectd exec's pid only: it reaches the command after
	// any SIGINT konnectd exec had passed on, so a duplicate shows.
	cmd.Process.Signal(syscall.SIGTERM)
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 5 {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	if b, _ := os.ReadFile(file); string(b) != "INT\nTERM\n" {
		t.Fatalf("signals the command saw: %q, want one SIGINT then SIGTERM", b)
	}

	// A command killed by a signal: konnectd exec ends by the same signal.
	r := exec.Command(bin, "exec", "--", "sh", "-c", "kill -KILL $$")
	r.Env = append(os.Environ(), w.env...)
	err = r.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok {
		t.Fatalf("killed command: %v", err)
	}
	if ws := ee.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("konnectd exec ended with %v, want killed by SIGKILL", ws)
	}
}
