package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

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
	if !strings.Contains(logs, "credential handed out") || !strings.Contains(logs, "profile=team-a") || strings.Contains(logs, token) {
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
	r = w.cli("", nil, "exec", "--", "definitely-not-a-command-xyz")
	if r.code != 127 {
		t.Fatalf("missing command: %s", r)
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
