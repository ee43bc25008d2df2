package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/konnectd/konnectd/internal/activation"
	"github.com/konnectd/konnectd/internal/safesocket"
)

// listen returns the socket "konnectd serve" accepts on. A socket passed by
// the service manager (systemd socket activation) wins over path: the
// manager made it (mode and directory from the .socket unit), keeps it after
// we exit, and starts us again on the next connection, so there is no lock
// to take and no file to remove. Either way rpc.Server checks the peer's
// uid on every accepted connection; an inherited socket is not trusted more.
func listen(path string) (*safesocket.Listener, error) {
	ls, err := activation.UnixListeners()
	if err != nil {
		return nil, err
	}
	switch len(ls) {
	case 0:
	case 1:
		return safesocket.FromListener(ls[0]), nil
	default:
		for _, l := range ls {
			l.Close()
		}
		return nil, fmt.Errorf("socket activation passed %d sockets; konnectd serves exactly one (one ListenStream= in konnectd.socket)", len(ls))
	}
	if err := refuseLiveSocket(path); err != nil {
		return nil, err
	}
	return safesocket.Listen(path)
}

// refuseLiveSocket fails when something already accepts on path without
// holding konnectd's lock: a systemd or launchd socket whose daemon is not
// running right now. safesocket.Listen would take the free lock and remove
// that socket as stale, cutting every client off from the service manager's
// socket until it is restarted.
func refuseLiveSocket(path string) error {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode().Type() != fs.ModeSocket {
		return nil
	}
	// A konnectd holding the lock is the common case; Listen reports it
	// plainly, without the service manager hint below.
	if lock, err := safesocket.TryLock(path + ".lock"); errors.Is(err, safesocket.ErrLocked) {
		return nil
	} else if err == nil {
		lock.Unlock()
	}
	// Through safesocket.Dial like every client: a live socket here that
	// another user serves is refused, not taken over or reported as ours.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	c, err := safesocket.Dial(ctx, path)
	if errors.Is(err, safesocket.ErrUntrusted) {
		return err
	}
	if err != nil {
		return nil // stale: nobody listens, Listen may replace it
	}
	c.Close()
	return fmt.Errorf("%w: %s (no konnectd holds its lock, so it is likely a socket-activated service: see 'systemctl --user status konnectd.socket')", safesocket.ErrRunning, path)
}
