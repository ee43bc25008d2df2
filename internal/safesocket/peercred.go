package safesocket

import "fmt"

// Cred is who is on the other end of a Unix socket connection, as the
// kernel reports it at connect time.
type Cred struct {
	UID int
	PID int // 0 when the platform does not report it
}

// CheckPeer returns an error unless the peer is the current user.
func CheckPeer(c Cred, uid int) error {
	if c.UID != uid {
		return fmt.Errorf("peer uid %d is not the daemon's uid %d", c.UID, uid)
	}
	return nil
}
