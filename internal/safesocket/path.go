package safesocket

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// EnvSocket overrides the default socket path.
const EnvSocket = "KONNECTD_SOCKET"

// DefaultPath returns where the daemon's socket lives when --socket is not
// given: $KONNECTD_SOCKET, else $XDG_RUNTIME_DIR/konnectd/konnectd.sock,
// else $TMPDIR/konnectd-<uid>/konnectd.sock, else
// /tmp/konnectd-<uid>/konnectd.sock. getenv is os.Getenv outside tests.
func DefaultPath(getenv func(string) string) string {
	if p := getenv(EnvSocket); p != "" {
		return p
	}
	if d := getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "konnectd", "konnectd.sock")
	}
	base := getenv("TMPDIR")
	if base == "" {
		base = "/tmp"
	}
	return filepath.Join(base, "konnectd-"+strconv.Itoa(os.Getuid()), "konnectd.sock")
}

// CheckPathLength reports a socket path the kernel would truncate or refuse.
func CheckPathLength(path string) error {
	if len(path) >= maxPathLen {
		return fmt.Errorf("socket path %q is %d bytes; this platform allows at most %d: use --socket or %s with a shorter path",
			path, len(path), maxPathLen-1, EnvSocket)
	}
	return nil
}
