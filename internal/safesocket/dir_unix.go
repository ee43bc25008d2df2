//go:build unix

package safesocket

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// EnsureDir creates dir with mode 0700 if it is missing, then checks that it
// is private: a real directory (not a symlink), owned by the current user,
// with no group or world permissions. Only the last path element is
// created; a missing parent is an error, not something to guess about.
func EnsureDir(dir string) error {
	err := os.Mkdir(dir, 0o700)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("socket directory %s: %w", dir, err)
	}
	return CheckDir(dir)
}

// CheckDir verifies that dir is private to the current user.
func CheckDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("socket directory %s: %w", dir, err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("refusing socket directory %s: it is a symlink; remove it or choose another path with --socket", dir)
	}
	if !fi.IsDir() {
		return fmt.Errorf("refusing socket directory %s: not a directory", dir)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("refusing socket directory %s: owned by uid %d, not by you (uid %d); remove it or choose another path with --socket",
			dir, st.Uid, os.Getuid())
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("refusing socket directory %s: mode %#o lets other users in; run 'chmod 700 %s' or choose another path with --socket",
			dir, perm, dir)
	}
	return nil
}
