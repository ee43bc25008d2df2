//go:build unix

package activation

import (
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// Files returns the descriptors passed to this process, in order, each
// named after its LISTEN_FDNAMES entry (or "LISTEN_FD_<n>"). It marks them
// close-on-exec and unsets LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES
// whatever it finds, so it returns them only once. No variables, or
// variables meant for another process, give nil and no error.
func Files() ([]*os.File, error) {
	defer unsetEnv()
	n, names, err := parse(os.Getenv, os.Getpid())
	if err != nil || n == 0 {
		return nil, err
	}
	files := make([]*os.File, 0, n)
	for i := range n {
		fd := firstFD + i
		// Per descriptor, not per open file: the manager's copy is untouched.
		unix.CloseOnExec(fd)
		name := names[i]
		if name == "" {
			name = fmt.Sprintf("LISTEN_FD_%d", fd)
		}
		files = append(files, os.NewFile(uintptr(fd), name))
	}
	return files, nil
}

// UnixListeners returns the passed descriptors as Unix stream listeners.
// Any other kind of descriptor (a TCP port, a datagram socket, a FIFO) is an
// error: konnectd identifies its clients by their Unix credentials and
// serves nothing else. Every passed descriptor is consumed, listener or not.
func UnixListeners() ([]*net.UnixListener, error) {
	files, err := Files()
	if err != nil {
		return nil, err
	}
	defer closeAll(files) // FileListener dups; the originals go.
	var ls []*net.UnixListener
	for _, f := range files {
		l, err := fileUnixListener(f)
		if err != nil {
			for _, l := range ls {
				l.SetUnlinkOnClose(false)
				l.Close()
			}
			return nil, err
		}
		ls = append(ls, l)
	}
	return ls, nil
}

func fileUnixListener(f *os.File) (*net.UnixListener, error) {
	typ, err := unix.GetsockoptInt(int(f.Fd()), unix.SOL_SOCKET, unix.SO_TYPE)
	if err != nil {
		return nil, fmt.Errorf("socket activation: %s is not a socket: %w", f.Name(), err)
	}
	if typ != unix.SOCK_STREAM {
		return nil, fmt.Errorf("socket activation: %s is not a stream socket (use ListenStream=)", f.Name())
	}
	l, err := net.FileListener(f)
	if err != nil {
		return nil, fmt.Errorf("socket activation: %s: %w", f.Name(), err)
	}
	ul, ok := l.(*net.UnixListener)
	if !ok {
		l.Close()
		return nil, fmt.Errorf("socket activation: %s is a %s socket; konnectd serves only Unix sockets", f.Name(), l.Addr().Network())
	}
	// The socket file belongs to the service manager, which keeps listening
	// after we exit: closing our copy must never remove it.
	ul.SetUnlinkOnClose(false)
	return ul, nil
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}
