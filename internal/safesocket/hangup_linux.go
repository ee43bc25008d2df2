//go:build linux

package safesocket

import (
	"net"

	"golang.org/x/sys/unix"
)

// PeerClosed tells a peer that hung up for good from one that only shut
// down its writing side (socat, "echo … | nc -U" do that and still wait for
// replies). Both look like EOF to a reader; only a full close sets POLLHUP.
func PeerClosed(c *net.UnixConn) bool {
	raw, err := c.SyscallConn()
	if err != nil {
		return true
	}
	closed := true
	raw.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLRDHUP}}
		if n, err := unix.Poll(fds, 0); err == nil && n == 1 {
			closed = fds[0].Revents&unix.POLLHUP != 0
		}
	})
	return closed
}
