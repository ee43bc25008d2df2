package main

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// detached starts the daemon in its own process group without a console,
// so closing the client's terminal window does not take it down.
func detached() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{
		CreationFlags: windows.CREATE_NEW_PROCESS_GROUP | windows.DETACHED_PROCESS,
		HideWindow:    true,
	}
}
