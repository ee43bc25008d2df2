package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestUnreachableKeychainSaysSo: with no session bus (unset, or an address
// nobody listens on), status and get me say the keychain is unreachable
// and what works without it, not kongctl's "authentication token not
// available… konnectd login", which would send the user to store a token
// where it cannot be read.
func TestUnreachableKeychainSaysSo(t *testing.T) {
	w := newWorld(t, worldOptions{})
	for name, addr := range map[string]string{
		"unset": "",
		"dead":  "unix:path=" + filepath.Join(t.TempDir(), "no-bus-here"),
	} {
		t.Run(name, func(t *testing.T) {
			env := append(append([]string{}, w.env...), "DBUS_SESSION_BUS_ADDRESS="+addr)
			socket := filepath.Join(filepath.Dir(sockDir(t)), "s", "konnectd.sock")
			d := startDaemonAt(t, socket, env, "--config-file", w.config)
			at := []string{"KONNECTD_SOCKET=" + d.socket}
			for _, args := range [][]string{{"status"}, {"get", "me"}} {
				r := w.cli("", at, args...)
				out := r.stdout + r.stderr
				if r.code == 0 || !strings.Contains(out, "keychain is unreachable") ||
					!strings.Contains(out, "DBUS_SESSION_BUS_ADDRESS") ||
					!strings.Contains(out, "KONGCTL_DEFAULT_KONNECT_PAT") ||
					strings.Contains(out, "authentication token not available") {
					t.Errorf("%v without a reachable keychain: %s", args, r)
				}
			}
		})
	}
}
