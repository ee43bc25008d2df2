//go:build unix

package jq

import (
	"errors"
	"syscall"
)

// processGone reports whether pid no longer exists (reaped).
func processGone(pid int) bool { return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) }
