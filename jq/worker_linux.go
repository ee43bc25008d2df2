package jq

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// limitData caps the worker's private writable memory (RLIMIT_DATA, which
// Linux since 4.7 applies to anonymous mappings: Go's heap and stacks) at
// what it has mapped now plus n. The base is measured because it is large
// and mostly untouched (the binary's data, thread stacks, C malloc
// arenas: about 120 MB for konnectd), so a cap of n alone would leave
// evaluations far less than n. Address-space reservations Go makes without
// access do not count, which is why RLIMIT_AS is not used: an idle
// konnectd reserves about 1.7 GB. An allocation past the cap makes the
// runtime fail and the process end, which is the point: nothing else can
// stop one gojq builtin allocating gigabytes in one call ("x" * 2e9).
func limitData(n int64) {
	base := vmData()
	r := syscall.Rlimit{Cur: uint64(base + n), Max: uint64(base + n)}
	_ = syscall.Setrlimit(syscall.RLIMIT_DATA, &r) // refused above an inherited cap, which then holds
}

// vmData is VmData of /proc/self/status in bytes: the memory RLIMIT_DATA
// counts. 0 if it cannot be read.
func vmData() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmData:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// workerSysProcAttr kills a worker when the daemon dies, whatever killed
// the daemon; closing stdin covers the orderly case everywhere. Linux ties
// the signal to the thread that started the child, which the Go runtime
// keeps for the process's life unless a locked goroutine exits on it;
// then a worker dies early, and that evaluation fails as a crash.
func workerSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
