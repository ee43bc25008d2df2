package safesocket

import (
	"os"
	"path/filepath"
)

const maxPathLen = 108 // UNIX_PATH_MAX in afunix.h

// defaultPath is %LOCALAPPDATA%\konnectd\konnectd.sock. Local AppData is
// inside the user's profile, whose ACL already keeps other users out, and
// it does not roam to other machines as a socket must not. Without
// LOCALAPPDATA (a stripped service environment) it falls back to the
// user's temporary directory, which is per-user on Windows too.
func defaultPath(getenv func(string) string) string {
	base := getenv("LOCALAPPDATA")
	if base == "" {
		base = os.TempDir()
	}
	return filepath.Join(base, "konnectd", "konnectd.sock")
}
