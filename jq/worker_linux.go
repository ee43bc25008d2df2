package jq

import (
	"syscall"
)

// limitData caps the worker's private writable memory (RLIMIT_DATA, which
// Linux since 4.7 applies to anonymous mappings: Go's heap and stacks).
// Address-space reservations Go makes without access do not count, which
// is why RLIMIT_AS is not used: Go reserves far more address space than
// it touches. An allocation past the cap makes the runtime fail and the
// process end, which is the point: nothing else can stop one gojq
// builtin allocating gigabytes in one call ("x" * 2e9).
func limitData(n int64) {
	r := syscall.Rlimit{Cur: uint64(n), Max: uint64(n)}
	_ = syscall.Setrlimit(syscall.RLIMIT_DATA, &r) // at worst only the watchdog holds
}

// workerSysProcAttr kills a worker when the daemon dies, whatever killed
// the daemon; closing stdin covers the orderly case everywhere.
func workerSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
