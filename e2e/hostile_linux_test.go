package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// limitMemory sets RLIMIT_DATA on the daemon (its jq workers inherit it
// as their ceiling and lower it for themselves). Not RLIMIT_AS: an idle
// Go daemon reserves about 1.7 GB of address space it never touches, so
// any AS limit that lets it start is far above what it uses; RLIMIT_DATA
// counts the private writable memory it maps, which is where a runaway
// heap goes (about 120 MB of it, mostly untouched, at start). A cgroup
// would bound daemon and workers together but needs delegation the test
// machine may not grant.
func limitMemory(pid int, n int64) error {
	if n <= 0 {
		return nil
	}
	lim := unix.Rlimit{Cur: uint64(n), Max: uint64(n)}
	return unix.Prlimit(pid, unix.RLIMIT_DATA, &lim, nil)
}

// peakRSS is the process's VmHWM in bytes, 0 if unknown.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// busyChildren counts the children of pid that are running (state R).
func busyChildren(pid int) int {
	ents, _ := os.ReadDir("/proc")
	n := 0
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces, so cut at ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) >= 2 && f[0] == "R" && f[1] == strconv.Itoa(pid) {
			n++
		}
	}
	return n
}
