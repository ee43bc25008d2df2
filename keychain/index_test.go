package keychain

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestIndexPutGetListDelete(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", IndexFile)
	x, err := OpenIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	if l, err := x.List(ctx); err != nil || len(l) != 0 {
		t.Fatalf("a missing index lists %v, %v; want nothing", l, err)
	}
	recs := []Record{
		{Account: "token:b", Kind: "pat", TokenID: "id-b", Source: SourceCreated, StoredAt: "2026-01-01T00:00:00Z"},
		{Account: "default", Kind: "token", Source: SourceLogin, StoredAt: "2026-01-01T00:00:00Z"},
		{Account: "recovered:id-c", Kind: "spat", TokenID: "id-c", Source: SourceRecovered, StoredAt: "2026-01-01T00:00:00Z"},
	}
	for _, r := range recs {
		if err := x.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("index file: %v %v; want mode 0600", st, err)
	}
	// A second Index on the same file (another process) sees the same.
	y, _ := OpenIndex(path)
	l, err := y.List(ctx)
	if err != nil || len(l) != 3 || l[0].Account != "default" || l[1].Account != "recovered:id-c" || l[2].Account != "token:b" {
		t.Fatalf("list %+v %v; want the three records by account", l, err)
	}
	if r, ok, err := y.Get(ctx, "token:b"); !ok || err != nil || r.TokenID != "id-b" {
		t.Fatalf("get %+v %v %v", r, ok, err)
	}
	if err := y.Delete(ctx, "token:b"); err != nil {
		t.Fatal(err)
	}
	if err := y.Delete(ctx, "token:b"); err != nil {
		t.Fatalf("deleting a missing record: %v", err)
	}
	if _, ok, _ := x.Get(ctx, "token:b"); ok {
		t.Fatal("a deleted record is still there")
	}
	if err := x.Put(ctx, Record{}); err == nil {
		t.Fatal("a record without an account was accepted")
	}
}

func TestIndexRefusesReadableFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), IndexFile)
	if err := os.WriteFile(path, []byte(`{"version":1,"entries":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	x, _ := OpenIndex(path)
	if _, err := x.List(context.Background()); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable index: %v; want a refusal naming chmod", err)
	}
}

// TestIndexConcurrentWriters: writers in two processes (this test binary
// re-run as a child) and in this one never lose each other's records.
func TestIndexConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), IndexFile)
	cmd := exec.Command(os.Args[0], "-test.run=^TestIndexChildWriter$")
	cmd.Env = append(os.Environ(), "KONNECTD_INDEX_CHILD="+path)
	var wg sync.WaitGroup
	wg.Add(1)
	var childErr error
	var out []byte
	go func() { defer wg.Done(); out, childErr = cmd.CombinedOutput() }()
	x, _ := OpenIndex(path)
	for i := range 50 {
		if err := x.Put(context.Background(), Record{Account: "parent:" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Source: SourceCreated}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if childErr != nil {
		t.Fatalf("child: %v\n%s", childErr, out)
	}
	l, err := x.List(context.Background())
	if err != nil || len(l) != 100 {
		t.Fatalf("%d records after two concurrent writers (%v); want 100", len(l), err)
	}
}

func TestIndexChildWriter(t *testing.T) {
	path := os.Getenv("KONNECTD_INDEX_CHILD")
	if path == "" {
		t.Skip("runs only as TestIndexConcurrentWriters' child")
	}
	x, _ := OpenIndex(path)
	for i := range 50 {
		if err := x.Put(context.Background(), Record{Account: "child:" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Source: SourceCreated}); err != nil {
			t.Fatal(err)
		}
	}
}
