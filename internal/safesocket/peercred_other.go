//go:build !linux && !darwin && !windows

package safesocket

import (
	"errors"
	"net"
)

const maxPathLen = 104

// PeerCred is not implemented on this platform. Callers refuse every
// connection whose peer they cannot identify, so the daemon is safe here,
// just not useful over a socket (stdio mode still works).
func PeerCred(c *net.UnixConn) (Cred, error) {
	return Cred{}, errors.New("peer credentials are not supported on this platform")
}
