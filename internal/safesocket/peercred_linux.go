//go:build linux

package safesocket

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

const maxPathLen = 108 // sizeof(sockaddr_un.sun_path)

// PeerCred asks the kernel who connected (SO_PEERCRED).
func PeerCred(c *net.UnixConn) (Cred, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return Cred{}, fmt.Errorf("peer credentials: %w", err)
	}
	var uc *unix.Ucred
	var serr error
	if err := raw.Control(func(fd uintptr) {
		uc, serr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return Cred{}, fmt.Errorf("peer credentials: %w", err)
	}
	if serr != nil {
		return Cred{}, fmt.Errorf("peer credentials: %w", serr)
	}
	return Cred{UID: int(uc.Uid), PID: int(uc.Pid)}, nil
}
