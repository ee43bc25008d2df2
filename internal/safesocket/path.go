package safesocket

import "fmt"

// EnvSocket overrides the default socket path.
const EnvSocket = "KONNECTD_SOCKET"

// DefaultPath returns where the daemon's socket lives when --socket is not
// given: $KONNECTD_SOCKET, else a per-user private place that depends on
// the platform (see defaultPath in path_unix.go and path_windows.go).
// getenv is os.Getenv outside tests.
func DefaultPath(getenv func(string) string) string {
	if p := getenv(EnvSocket); p != "" {
		return p
	}
	return defaultPath(getenv)
}

// CheckPathLength reports a socket path the kernel would truncate or refuse.
func CheckPathLength(path string) error {
	if len(path) >= maxPathLen {
		return fmt.Errorf("socket path %q is %d bytes; this platform allows at most %d: use --socket or %s with a shorter path",
			path, len(path), maxPathLen-1, EnvSocket)
	}
	return nil
}
