package keychain

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func openFile(t *testing.T) (Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "konnectd", "credentials.json")
	s, err := Open(Options{Backend: KindFile, FilePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind() != KindFile {
		t.Fatalf("Kind = %q; want %q", s.Kind(), KindFile)
	}
	return s, path
}

func TestFileRoundTrip(t *testing.T) {
	s, path := openFile(t)
	ctx := context.Background()
	if _, err := s.Get(ctx, "default"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get from a missing file = %v; want ErrNotFound", err)
	}
	if err := s.Set(ctx, "default", testSecret); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, NamedAccount("ci"), "other"); err != nil {
		t.Fatal(err)
	}
	// A second Store on the same file sees what the first wrote.
	s2, err := Open(Options{Backend: KindFile, FilePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s2.Get(ctx, "default"); err != nil || got != testSecret {
		t.Fatalf("Get through a second store: %v (value matches %v)", err, got == testSecret)
	}
	if err := s.Delete(ctx, "default"); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Get(ctx, "default"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete = %v; want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "default"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete = %v; want ErrNotFound", err)
	}
	if got, err := s2.Get(ctx, NamedAccount("ci")); err != nil || got != "other" {
		t.Fatalf("the other account after Delete: %q, %v", got, err)
	}
	// Services are kept apart in one file.
	s3, _ := Open(Options{Backend: KindFile, FilePath: path, Service: "elsewhere"})
	if _, err := s3.Get(ctx, NamedAccount("ci")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another service sees konnectd's secret: %v", err)
	}
}

func TestFilePermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has ACLs, not mode bits")
	}
	s, path := openFile(t)
	if err := s.Set(context.Background(), "default", testSecret); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("file mode = %04o; want 0600", perm)
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if perm := di.Mode().Perm(); perm != 0o700 {
		t.Errorf("directory mode = %04o; want 0700", perm)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after a write; want only the file (no temporary files left)", len(entries))
	}

	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = s.Get(context.Background(), "default")
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("Get from a world-readable file = %v; want a refusal saying chmod 600", err)
	}
	checkClean(t, err)
	if err := s.Set(context.Background(), "default", "x"); err == nil {
		t.Fatal("Set into a world-readable file succeeded; want a refusal")
	}
}

func TestFileErrorsLeakNoSecret(t *testing.T) {
	s, path := openFile(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	// A corrupt file whose content is a secret: the error must not quote it.
	if err := os.WriteFile(path, []byte(`{"version": 1, "services": `+testSecret), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := s.Get(context.Background(), "default")
	if err == nil {
		t.Fatal("Get from a corrupt file succeeded")
	}
	checkClean(t, err)

	err = s.Set(context.Background(), "default", testSecret+strings.Repeat("x", defaultMaxSecret))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Set over the limit = %v; want ErrTooLarge", err)
	}
	checkClean(t, err)
}

func TestOpenRejectsBadOptions(t *testing.T) {
	if _, err := Open(Options{Backend: "plaintext"}); err == nil {
		t.Error("Open accepted an unknown backend")
	}
	if _, err := Open(Options{Backend: KindFile}); err == nil {
		t.Error("Open accepted the file store without a path")
	}
}

func TestEmptyArguments(t *testing.T) {
	s, _ := openFile(t)
	ctx := context.Background()
	if _, err := s.Get(ctx, ""); err == nil {
		t.Error("Get accepted an empty account")
	}
	if err := s.Set(ctx, "default", ""); err == nil {
		t.Error("Set accepted an empty secret")
	}
}
