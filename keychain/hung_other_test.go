//go:build !linux

package keychain

import "fmt"

// childHung is the hung-bus child of system_linux_test.go; the Secret
// Service (and so a D-Bus that never answers) exists only on Linux.
func childHung() int {
	fmt.Println("the hung D-Bus child runs on Linux only")
	return 2
}
