//go:build !unix

package jq

import "os"

// processGone reports whether pid no longer exists (reaped).
func processGone(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	p.Release()
	return false
}
