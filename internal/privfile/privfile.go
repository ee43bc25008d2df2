// Package privfile writes the daemon's own small state files — the
// plaintext credential store, the keychain index, the expiry watch's and
// the pending revocations' state — the one way they must be written:
// mode 0600 from the first byte, atomically (a crash leaves the old file
// or the new one, never half of either), synced, in a directory made 0700
// when missing. It knows nothing of what the files hold.
package privfile

import (
	"os"
	"path/filepath"
)

// Write replaces path with b and a final newline.
func Write(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	werr := tmp.Chmod(0o600)
	if werr == nil {
		_, werr = tmp.Write(append(b, '\n'))
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return werr
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}
