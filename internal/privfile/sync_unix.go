//go:build !windows

package privfile

import "os"

// syncDir makes the rename itself durable: without it a crash can bring
// back the old name's contents.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
