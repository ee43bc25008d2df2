package safesocket

import (
	"fmt"
	"net"
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// sioAFUnixGetPeerPID is SIO_AF_UNIX_GETPEERPID from afunix.h,
// _WSAIOR(IOC_VENDOR, 256): the pid of the process that connected.
const sioAFUnixGetPeerPID = 0x40000000 | 0x18000000 | 256

// PeerCred identifies the peer the only way Windows AF_UNIX allows: it asks
// for the connecting process's pid, opens that process and compares the
// user SID of its token with ours. Windows has no numeric uid, so a peer
// that runs as the current user gets Cred.UID = os.Getuid() (-1 on
// Windows), which is what CheckPeer compares with; any other peer, or one
// that cannot be identified (exited already, or a process we may not
// query, such as another user's), is an error and the caller refuses it.
//
// Limit: a pid is looked up after the connection is made, so a peer that
// exits at once and whose pid is reused by one of the current user's own
// processes would be let in. The directory ACL (see CheckDir) is the first
// line of defence; this check is the second.
func PeerCred(c *net.UnixConn) (Cred, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return Cred{}, fmt.Errorf("peer credentials: %w", err)
	}
	var pid uint32
	var serr error
	if err := raw.Control(func(fd uintptr) {
		var n uint32
		serr = windows.WSAIoctl(windows.Handle(fd), sioAFUnixGetPeerPID, nil, 0,
			(*byte)(unsafe.Pointer(&pid)), uint32(unsafe.Sizeof(pid)), &n, nil, 0)
	}); err != nil {
		return Cred{}, fmt.Errorf("peer credentials: %w", err)
	}
	if serr != nil {
		return Cred{}, fmt.Errorf("peer credentials: %w", serr)
	}
	if pid == 0 {
		return Cred{}, fmt.Errorf("peer credentials: the system did not report the peer's process")
	}
	same, err := sameUser(pid)
	if err != nil {
		return Cred{PID: int(pid)}, fmt.Errorf("peer credentials of pid %d: %w", pid, err)
	}
	if !same {
		return Cred{PID: int(pid)}, fmt.Errorf("peer pid %d runs as another user", pid)
	}
	return Cred{UID: os.Getuid(), PID: int(pid)}, nil
}

// sameUser reports whether process pid runs as the current user.
func sameUser(pid uint32) (bool, error) {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if err != nil {
		return false, err
	}
	defer windows.CloseHandle(h)
	var tok windows.Token
	if err := windows.OpenProcessToken(h, windows.TOKEN_QUERY, &tok); err != nil {
		return false, err
	}
	defer tok.Close()
	peer, err := tok.GetTokenUser()
	if err != nil {
		return false, err
	}
	me, err := currentUser()
	if err != nil {
		return false, err
	}
	return peer.User.Sid.Equals(me), nil
}
