package privfile

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestWriteIsPrivateAndReplaces: the file is 0600 in a 0700 directory it
// made, holds the bytes and a newline, replaces an older file whole, and
// leaves no temporary file behind.
func TestWriteIsPrivateAndReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "f.json")
	for _, v := range []string{`{"a":1}`, `{"b":2}`} {
		if err := Write(path, []byte(v)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != v+"\n" {
			t.Fatalf("read %q, %v; want %q", got, err, v+"\n")
		}
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(path)
		di, _ := os.Stat(filepath.Dir(path))
		if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
			t.Fatalf("modes %v %v, want 0600 in 0700", fi.Mode().Perm(), di.Mode().Perm())
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
}
