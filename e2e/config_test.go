package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestAutoStartedDaemonServesTheCallersConfigFile: a daemon that a client
// starts serves the config file KONGCTL_CONFIG_FILE names (serve's own
// default), although every other KONGCTL_* variable is kept from it.
func TestAutoStartedDaemonServesTheCallersConfigFile(t *testing.T) {
	dir := filepath.Dir(sockDir(t))
	config := filepath.Join(dir, "elsewhere.yaml")
	if err := os.WriteFile(config, []byte("team-z:\n  output: json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s", "konnectd.sock")
	env := []string{"KONGCTL_CONFIG_FILE=" + config, "XDG_CONFIG_HOME=" + filepath.Join(dir, "xdg"),
		"KONGCTL_DEFAULT_KONNECT_PAT=kpat_" + strings.Repeat("e", 49)}
	r := run(t, "", env, "call", "--socket", sock, "daemon/status", "--jq", ".pid", "-r")
	if r.code != 0 {
		t.Fatalf("auto-start: %s", r)
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(r.stdout)); err == nil {
		p, _ := os.FindProcess(pid)
		t.Cleanup(func() { p.Signal(syscall.SIGTERM) })
		// The daemon's own environment keeps no credential.
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
		if err == nil && strings.Contains(string(b), "KONGCTL_DEFAULT_KONNECT_PAT") {
			t.Error("the auto-started daemon inherited the caller's KONGCTL_DEFAULT_KONNECT_PAT")
		}
	}
	r = run(t, "", env, "call", "--socket", sock, "profile/list", "--jq", "{profiles, configFile}")
	if r.code != 0 || !strings.Contains(r.stdout, `"team-z"`) || !strings.Contains(r.stdout, config) {
		t.Fatalf("the auto-started daemon serves another file: %s", r)
	}
}
