package testkeyring

import "syscall"

// procAttr makes the daemons die with the test binary, even when it is
// killed, so that no stray bus or keyring outlives a run. (Linux sends the
// signal when the forking thread ends, which for Go's threads is in practice
// when the process does.)
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
