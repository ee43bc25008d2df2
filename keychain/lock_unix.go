//go:build !windows

package keychain

import (
	"os"
	"syscall"
)

// lockFile takes an flock(2) on path (created 0600 if missing), exclusive
// for writers and shared for readers, and returns its release. Processes
// that share the index (the daemon and konnectd mcp) wait for each other
// here; the lock is released when the process dies.
func lockFile(path string, exclusive bool) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		if !exclusive && os.IsNotExist(err) {
			return func() {}, nil // no directory yet: nothing to read, nothing to lock
		}
		return nil, err
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
