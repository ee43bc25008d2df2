package safesocket

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
)

// ErrUntrusted marks a socket a client refused to talk to: its directory
// is not private to the current user, or whoever listens on it runs as
// another user. Nothing was sent. Callers must not start a daemon or retry
// elsewhere on it: the refusal is the answer.
var ErrUntrusted = errors.New("untrusted konnectd socket")

// untrusted wraps a refusal so errors.Is(err, ErrUntrusted) holds while
// the message stays the refusal's own (it names the path and the owner).
type untrusted struct{ error }

func (u untrusted) Is(target error) bool { return target == ErrUntrusted }
func (u untrusted) Unwrap() error        { return u.error }

// Dial connects to the daemon's socket at path and returns the connection
// only once it knows the daemon it reached is the current user's own:
//
//  1. the socket's directory must be private (CheckDir: ours, 0700, not a
//     symlink), so no other user could have put a socket there;
//  2. the process listening on the socket must run as the current user
//     (PeerCred: SO_PEERCRED / LOCAL_PEERCRED, the credentials the kernel
//     recorded when the listener called listen, which the listener cannot
//     forge).
//
// Step 2 alone would be enough; step 1 gives the clearer message for the
// common attack (another user pre-creating $TMPDIR/konnectd-<uid>/) and
// refuses before connecting at all. Every client dials through here:
// nothing is written on a connection before both checks pass.
//
// A missing directory or socket comes back as the dial error (wrapping
// fs.ErrNotExist or ECONNREFUSED), so callers can tell "no daemon" from a
// refusal, which wraps ErrUntrusted.
func Dial(ctx context.Context, path string) (*net.UnixConn, error) {
	dir := filepath.Dir(path)
	if err := CheckDir(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, untrusted{err}
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, err
	}
	uc, ok := c.(*net.UnixConn)
	if !ok {
		c.Close()
		return nil, fmt.Errorf("connect to %s: not a Unix socket connection", path)
	}
	if err := checkListener(uc, path, os.Getuid()); err != nil {
		uc.Close()
		return nil, err
	}
	return uc, nil
}

// checkListener refuses a connection whose listening end is not uid.
func checkListener(c *net.UnixConn, path string, uid int) error {
	cred, err := PeerCred(c)
	if err != nil {
		return untrusted{fmt.Errorf("refusing socket %s: cannot tell who listens on it (%w), so nothing is sent to it", path, err)}
	}
	if cred.UID != uid {
		who := fmt.Sprintf("uid %d", cred.UID)
		if cred.PID != 0 {
			who += fmt.Sprintf(" (pid %d)", cred.PID)
		}
		return untrusted{fmt.Errorf("refusing socket %s: it is served by %s, not by you (uid %d), so nothing is sent to it; remove it or choose another path with --socket",
			path, who, uid)}
	}
	return nil
}
