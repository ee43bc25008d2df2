package safesocket

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
)

// ErrRunning means a daemon already serves this socket.
var ErrRunning = errors.New("a konnectd daemon is already running on this socket")

// Listener is a private Unix socket owned by this process.
type Listener struct {
	*net.UnixListener
	path string
	lock *Lock
}

// Listen creates the socket at path: it makes and checks the directory,
// takes the per-socket lock (path + ".lock"), removes a stale socket left by
// a dead daemon, and listens with mode 0600. ErrRunning means the lock is
// held by a live daemon.
func Listen(path string) (*Listener, error) {
	if err := CheckPathLength(path); err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	if err := EnsureDir(dir); err != nil {
		return nil, err
	}
	lock, err := TryLock(path + ".lock")
	if errors.Is(err, ErrLocked) {
		return nil, fmt.Errorf("%w: %s", ErrRunning, path)
	}
	if err != nil {
		return nil, err
	}
	// We hold the lock, so any socket file here belongs to a daemon that is
	// gone. Only the lock holder may remove it.
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		lock.Unlock()
		return nil, fmt.Errorf("remove stale socket %s: %w", path, err)
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		lock.Unlock()
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	// Go unlinks the socket on Close; we do it ourselves, under the lock.
	l.SetUnlinkOnClose(false)
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		lock.Unlock()
		return nil, fmt.Errorf("chmod socket %s: %w", path, err)
	}
	return &Listener{UnixListener: l, path: path, lock: lock}, nil
}

// FromListener wraps a listener this process inherited (systemd socket
// activation): there is no lock to take and the socket file is not ours to
// remove.
func FromListener(l *net.UnixListener) *Listener {
	l.SetUnlinkOnClose(false)
	return &Listener{UnixListener: l}
}

// Path is the socket's file name.
func (l *Listener) Path() string {
	if l.path == "" {
		return l.Addr().String()
	}
	return l.path
}

// Close stops listening, removes the socket file and releases the lock.
func (l *Listener) Close() error {
	err := l.UnixListener.Close()
	if l.lock != nil {
		if rerr := os.Remove(l.path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) && err == nil {
			err = rerr
		}
		l.lock.Unlock()
		l.lock = nil
	}
	return err
}
