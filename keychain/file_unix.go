//go:build !windows

package keychain

import (
	"fmt"
	"io/fs"
)

// checkPrivate refuses a credentials file that group or others can access.
func checkPrivate(path string, fi fs.FileInfo) error {
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("refusing to read %s: its mode is %04o, so other users may read the credentials in it; "+
			"run chmod 600 %s, and consider the tokens in it exposed", path, perm, path)
	}
	return nil
}
