package activation

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// The environment variables of the protocol.
const (
	EnvPID     = "LISTEN_PID"
	EnvFDs     = "LISTEN_FDS"
	EnvFDNames = "LISTEN_FDNAMES"
)

// firstFD is SD_LISTEN_FDS_START: passed descriptors start after stdio.
const firstFD = 3

// maxFDs bounds LISTEN_FDS so a garbage value cannot make us wrap thousands
// of descriptors we never received.
const maxFDs = 1024

// parse reads the protocol's variables through getenv and returns how many
// descriptors were passed to the process pid, and their names (a name is
// empty when LISTEN_FDNAMES does not give one). n is 0 when nothing was
// passed, or when it was passed to another process: a parent that leaked
// its own LISTEN_* variables must not make us adopt its descriptors.
func parse(getenv func(string) string, pid int) (n int, names []string, err error) {
	fds := getenv(EnvFDs)
	if fds == "" {
		return 0, nil, nil
	}
	target, err := strconv.Atoi(getenv(EnvPID))
	if err != nil || target <= 0 {
		return 0, nil, fmt.Errorf("socket activation: %s=%q is not a process id", EnvPID, getenv(EnvPID))
	}
	if target != pid {
		return 0, nil, nil
	}
	n, err = strconv.Atoi(fds)
	if err != nil || n < 0 || n > maxFDs {
		return 0, nil, fmt.Errorf("socket activation: %s=%q is not a descriptor count", EnvFDs, fds)
	}
	names = make([]string, n)
	if s := getenv(EnvFDNames); s != "" {
		// systemd sends exactly n names; be lenient about a short or long
		// list rather than refuse a working socket over a label.
		copy(names, strings.Split(s, ":"))
	}
	return n, names, nil
}

// unsetEnv removes the protocol's variables, as sd_listen_fds(3) does when
// asked to: they describe this process's descriptors, not a child's.
func unsetEnv() {
	os.Unsetenv(EnvPID)
	os.Unsetenv(EnvFDs)
	os.Unsetenv(EnvFDNames)
}
