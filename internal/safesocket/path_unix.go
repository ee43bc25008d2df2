//go:build unix

package safesocket

import (
	"os"
	"path/filepath"
	"strconv"
)

// defaultPath is $XDG_RUNTIME_DIR/konnectd/konnectd.sock (where systemd's
// konnectd.socket listens: %t/konnectd/konnectd.sock), else
// $TMPDIR/konnectd-<uid>/konnectd.sock, else
// /tmp/konnectd-<uid>/konnectd.sock.
func defaultPath(getenv func(string) string) string {
	if d := getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "konnectd", "konnectd.sock")
	}
	base := getenv("TMPDIR")
	if base == "" {
		base = "/tmp"
	}
	return filepath.Join(base, "konnectd-"+strconv.Itoa(os.Getuid()), "konnectd.sock")
}
