//go:build !linux

package testkeyring

import "syscall"

func procAttr() *syscall.SysProcAttr { return nil }
