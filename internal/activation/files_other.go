//go:build !unix

package activation

import (
	"net"
	"os"
)

// Files finds nothing: this platform has no descriptor-passing protocol
// konnectd speaks. It still unsets the variables so children do not see them.
func Files() ([]*os.File, error) {
	unsetEnv()
	return nil, nil
}

// UnixListeners finds nothing on this platform.
func UnixListeners() ([]*net.UnixListener, error) {
	_, err := Files()
	return nil, err
}
