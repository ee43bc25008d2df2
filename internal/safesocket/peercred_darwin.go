//go:build darwin

package safesocket

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

const maxPathLen = 104 // sizeof(sockaddr_un.sun_path) on macOS

// PeerCred asks the kernel who connected (LOCAL_PEERCRED, LOCAL_PEERPID).
func PeerCred(c *net.UnixConn) (Cred, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return Cred{}, fmt.Errorf("peer credentials: %w", err)
	}
	var cred Cred
	var serr error
	if err := raw.Control(func(fd uintptr) {
		var xu *unix.Xucred
		xu, serr = unix.GetsockoptXucred(int(fd), unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
		if serr != nil {
			return
		}
		cred.UID = int(xu.Uid)
		// The pid is only for the audit log; a failure here is not fatal.
		if pid, err := unix.GetsockoptInt(int(fd), unix.SOL_LOCAL, unix.LOCAL_PEERPID); err == nil {
			cred.PID = pid
		}
	}); err != nil {
		return Cred{}, fmt.Errorf("peer credentials: %w", err)
	}
	if serr != nil {
		return Cred{}, fmt.Errorf("peer credentials: %w", serr)
	}
	return cred, nil
}
