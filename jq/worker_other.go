//go:build !linux

package jq

import "syscall"

// limitData is a no-op outside Linux: RLIMIT_DATA is not enforced for
// mmap there (macOS), so only the heap watchdog and the daemon's deadline
// bound a worker. One huge allocation in a single builtin can still grow
// the worker past its budget before the watchdog sees it; the daemon
// itself is not affected, the worker is the one that runs out.
func limitData(int64) {}

func workerSysProcAttr() *syscall.SysProcAttr { return nil }
