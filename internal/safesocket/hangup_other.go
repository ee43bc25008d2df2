//go:build !linux

package safesocket

import "net"

// PeerClosed reports false where the platform cannot tell a half-close
// from a hang-up: the daemon then lets in-flight requests finish (bounded
// by the drain timeout) rather than risk dropping replies a client awaits.
func PeerClosed(c *net.UnixConn) bool { return false }
