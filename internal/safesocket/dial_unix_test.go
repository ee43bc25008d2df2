//go:build unix

package safesocket

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDialChecksDirectory: a socket in a directory others may write to is
// refused before connecting; a missing one is "no daemon", not a refusal;
// a private one with our own listener is let through.
func TestDialChecksDirectory(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "d")
	path := filepath.Join(dir, "k.sock")
	if _, err := Dial(context.Background(), path); !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrUntrusted) {
		t.Fatalf("missing directory: %v", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	c, err := Dial(context.Background(), path)
	if err != nil {
		t.Fatalf("our own private socket: %v", err)
	}
	c.Close()
	os.Chmod(dir, 0o777)
	_, err = Dial(context.Background(), path)
	if !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), "refusing socket directory "+dir+": mode 0777") {
		t.Fatalf("world-writable directory: %v", err)
	}
	os.Chmod(dir, 0o700)
	link := filepath.Join(base, "link")
	os.Symlink(dir, link)
	if _, err := Dial(context.Background(), filepath.Join(link, "k.sock")); !errors.Is(err, ErrUntrusted) {
		t.Fatalf("symlinked directory: %v", err)
	}
}
