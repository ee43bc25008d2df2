package config

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Generous bounds for a loaded 2-core CI machine. Nothing here asserts speed.
const (
	waitLimit = 5 * time.Second
	quietFor  = 600 * time.Millisecond // debounce plus a wide margin
)

type recorder struct {
	mu      sync.Mutex
	changes []Change
}

func watchAndRecord(t *testing.T, loc Location) (*Watcher, *recorder) {
	t.Helper()
	w, err := Watch(context.Background(), loc, WatchOptions{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	r := &recorder{}
	t.Cleanup(w.Subscribe(func(c Change) {
		r.mu.Lock()
		r.changes = append(r.changes, c)
		r.mu.Unlock()
	}))
	return w, r
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.changes)
}

func (r *recorder) last() (Change, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.changes) == 0 {
		return Change{}, false
	}
	return r.changes[len(r.changes)-1], true
}

// waitLast polls until the newest notification has the wanted profiles and
// error text (want is a substring; "" means no error).
func (r *recorder) waitLast(t *testing.T, wantErr string, profiles ...string) Change {
	t.Helper()
	slices.Sort(profiles)
	deadline := time.Now().Add(waitLimit)
	for {
		c, ok := r.last()
		if ok && slices.Equal(c.Profiles, profiles) &&
			(wantErr == "" && c.Error == "" || wantErr != "" && strings.Contains(c.Error, wantErr)) {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("no notification with profiles %v and error %q; last was %+v (of %d)", profiles, wantErr, fmtChange(c), r.count())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// quiet asserts that nothing is announced for a while.
func (r *recorder) quiet(t *testing.T, what string) {
	t.Helper()
	n := r.count()
	time.Sleep(quietFor)
	if got := r.count(); got != n {
		c, _ := r.last()
		t.Errorf("%s: %d unexpected notification(s), last %+v", what, got-n, fmtChange(c))
	}
}

func fmtChange(c Change) string { return fmt.Sprintf("{Profiles:%v Error:%q}", c.Profiles, c.Error) }

func renameOver(t *testing.T, path, data string) {
	t.Helper()
	tmp := path + ".tmp"
	writeFile(t, tmp, data)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func newConfig(t testing.TB, data string) Location {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kongctl", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, data)
	return Location{Path: path}
}

func TestWatchWriteInPlace(t *testing.T) {
	loc := newConfig(t, "a: {}\n")
	w, r := watchAndRecord(t, loc)
	if f, err := w.Current(); err != nil || !slices.Equal(f.Profiles(), []string{"a", "default"}) {
		t.Fatalf("Current at start: %v, %v", f.Profiles(), err)
	}
	writeFile(t, loc.Path, "b: {}\n")
	c := r.waitLast(t, "", "b", "default")
	if c.File == nil || !c.File.InFile("b") {
		t.Error("Change.File is not the new config")
	}
	writeFile(t, loc.Path, "b: {}\nc: {}\n")
	r.waitLast(t, "", "b", "c", "default")
	if data, _ := os.ReadFile(loc.Path); string(data) != "b: {}\nc: {}\n" {
		t.Errorf("the watcher changed the file: %q", data)
	}
}

func TestWatchNoOpSaves(t *testing.T) {
	loc := newConfig(t, "a: {}\n")
	_, r := watchAndRecord(t, loc)
	renameOver(t, loc.Path, "a: {}\n")
	writeFile(t, loc.Path, "a: {}\n")
	now := time.Now()
	if err := os.Chtimes(loc.Path, now, now); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(filepath.Dir(loc.Path), "unrelated.txt"), "x")
	r.quiet(t, "same content saved again")
}

func TestWatchRenameOver(t *testing.T) {
	loc := newConfig(t, "a: {}\n")
	_, r := watchAndRecord(t, loc)
	renameOver(t, loc.Path, "b: {}\n")
	r.waitLast(t, "", "b", "default")

	// vim without backupcopy: move the original aside, write anew, drop the backup.
	backup := loc.Path + "~"
	if err := os.Rename(loc.Path, backup); err != nil {
		t.Fatal(err)
	}
	writeFile(t, loc.Path, "c: {}\n")
	if err := os.Remove(backup); err != nil {
		t.Fatal(err)
	}
	r.waitLast(t, "", "c", "default")
}

func TestWatchDeleteAndRecreate(t *testing.T) {
	loc := newConfig(t, "a: {}\n")
	_, r := watchAndRecord(t, loc)
	if err := os.Remove(loc.Path); err != nil {
		t.Fatal(err)
	}
	// A missing default file is an empty config, as in kongctl.
	r.waitLast(t, "", "default")
	writeFile(t, loc.Path, "back: {}\n")
	r.waitLast(t, "", "back", "default")
}

func TestWatchExplicitFileDeleted(t *testing.T) {
	loc := newConfig(t, "a: {}\n")
	loc.Explicit = true
	w, r := watchAndRecord(t, loc)
	if err := os.Remove(loc.Path); err != nil {
		t.Fatal(err)
	}
	r.waitLast(t, "the provided config file path does not exist", "a", "default")
	if f, err := w.Current(); err == nil || !f.InFile("a") {
		t.Errorf("Current must keep the last good file and report the error: %v", err)
	}
	writeFile(t, loc.Path, "a: {}\n")
	r.waitLast(t, "", "a", "default")
}

func TestWatchInvalidKeepsLastGood(t *testing.T) {
	loc := newConfig(t, "a: {}\n")
	w, r := watchAndRecord(t, loc)

	writeFile(t, loc.Path, "a:\n  b: c\n   d: e\n")
	c := r.waitLast(t, "config file "+loc.Path+": line 3, column 5: mapping values are not allowed", "a", "default")
	if c.File == nil || !c.File.InFile("a") {
		t.Error("Change.File must be the last good config")
	}
	if f, err := w.Current(); err == nil || !f.InFile("a") || !strings.Contains(err.Error(), "line 3, column 5") {
		t.Errorf("Current = %v, %v", f.Profiles(), err)
	}
	renameOver(t, loc.Path, "a:\n  b: c\n   d: e\n")
	r.quiet(t, "the same broken file saved again")

	writeFile(t, loc.Path, "x: [1]\n")
	r.waitLast(t, "line 1, column 4: profile \"x\" must be a mapping", "a", "default")

	writeFile(t, loc.Path, "fixed: {}\n")
	r.waitLast(t, "", "default", "fixed")
	if _, err := w.Current(); err != nil {
		t.Errorf("Current still reports %v", err)
	}
}

func TestWatchDirectoryAppearsLater(t *testing.T) {
	root := t.TempDir()
	loc := Location{Path: filepath.Join(root, "home", ".config", "kongctl", "config.yaml")}
	w, r := watchAndRecord(t, loc)
	if f, err := w.Current(); err != nil || !slices.Equal(f.Profiles(), []string{"default"}) {
		t.Fatalf("Current with no directory: %v, %v", f.Profiles(), err)
	}
	if err := os.MkdirAll(filepath.Dir(loc.Path), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, loc.Path, "late: {}\n")
	r.waitLast(t, "", "default", "late")
	// The watch must have moved down to the new directory.
	writeFile(t, loc.Path, "later: {}\n")
	r.waitLast(t, "", "default", "later")

	// Remove the whole tree and bring it back.
	if err := os.RemoveAll(filepath.Join(root, "home")); err != nil {
		t.Fatal(err)
	}
	r.waitLast(t, "", "default")
	if err := os.MkdirAll(filepath.Dir(loc.Path), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, loc.Path, "again: {}\n")
	r.waitLast(t, "", "again", "default")
}

// kubeMount lays out a ConfigMap volume the way the kubelet does: the
// content lives in a timestamped directory, ..data points at it, and the
// visible file points through ..data.
type kubeMount struct {
	t   *testing.T
	dir string
	n   int
}

func (k *kubeMount) publish(data string) {
	k.t.Helper()
	k.n++
	version := fmt.Sprintf("..2026_01_01_00_00_%02d.%d", k.n, k.n)
	if err := os.Mkdir(filepath.Join(k.dir, version), 0o755); err != nil {
		k.t.Fatal(err)
	}
	writeFile(k.t, filepath.Join(k.dir, version, "config.yaml"), data)
	old, _ := os.Readlink(filepath.Join(k.dir, "..data"))
	if err := os.Symlink(version, filepath.Join(k.dir, "..data_tmp")); err != nil {
		k.t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(k.dir, "..data_tmp"), filepath.Join(k.dir, "..data")); err != nil {
		k.t.Fatal(err)
	}
	if old != "" {
		if err := os.RemoveAll(filepath.Join(k.dir, old)); err != nil {
			k.t.Fatal(err)
		}
	}
}

func TestWatchKubernetesConfigMapSwap(t *testing.T) {
	k := &kubeMount{t: t, dir: t.TempDir()}
	k.publish("v1: {}\n")
	path := filepath.Join(k.dir, "config.yaml")
	if err := os.Symlink(filepath.Join("..data", "config.yaml"), path); err != nil {
		t.Fatal(err)
	}
	w, r := watchAndRecord(t, Location{Path: path, Explicit: true})
	if f, err := w.Current(); err != nil || !f.InFile("v1") {
		t.Fatalf("Current at start: %v, %v", f.Profiles(), err)
	}
	k.publish("v2: {}\n")
	r.waitLast(t, "", "default", "v2")
	k.publish("v3: {}\n")
	r.waitLast(t, "", "default", "v3")
	// An edit inside the current version directory is seen too.
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, real, "v3b: {}\n")
	r.waitLast(t, "", "default", "v3b")
}

func TestWatchSymlinkedFile(t *testing.T) {
	root := t.TempDir()
	dotfiles := filepath.Join(root, "dotfiles")
	cfgDir := filepath.Join(root, "config", "kongctl")
	for _, d := range []string{dotfiles, cfgDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(dotfiles, "one.yaml"), "one: {}\n")
	writeFile(t, filepath.Join(dotfiles, "two.yaml"), "two: {}\n")
	path := filepath.Join(cfgDir, "config.yaml")
	if err := os.Symlink(filepath.Join(dotfiles, "one.yaml"), path); err != nil {
		t.Fatal(err)
	}
	_, r := watchAndRecord(t, Location{Path: path})
	// Editing the target, which lives in a directory of its own.
	renameOver(t, filepath.Join(dotfiles, "one.yaml"), "one-b: {}\n")
	r.waitLast(t, "", "default", "one-b")
	// Re-pointing the link.
	tmp := path + ".new"
	if err := os.Symlink(filepath.Join(dotfiles, "two.yaml"), tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	r.waitLast(t, "", "default", "two")
	writeFile(t, filepath.Join(dotfiles, "two.yaml"), "two-b: {}\n")
	r.waitLast(t, "", "default", "two-b")
}

func TestWatchLoginTokenFileAddsProfile(t *testing.T) {
	loc := newConfig(t, "a: {}\n")
	_, r := watchAndRecord(t, loc)
	writeFile(t, LoginTokenFile(loc.Path, "web"), loginTokenJSON)
	r.waitLast(t, "", "a", "default", "web")
	// kongctl rewriting the token on refresh changes no profile.
	renameOver(t, LoginTokenFile(loc.Path, "web"), loginTokenJSON)
	r.quiet(t, "token file rewritten")
}

func TestWatchRapidSaves(t *testing.T) {
	loc := newConfig(t, "start: {}\n")
	w, r := watchAndRecord(t, loc)
	const saves = 1000
	for i := range saves {
		data := fmt.Sprintf("p%d:\n  output: json\n", i)
		if i%2 == 0 {
			writeFile(t, loc.Path, data)
		} else {
			renameOver(t, loc.Path, data)
		}
	}
	final := fmt.Sprintf("p%d", saves-1)
	r.waitLast(t, "", "default", final)
	if f, err := w.Current(); err != nil || !f.InFile(final) {
		t.Errorf("Current = %v, %v", f.Profiles(), err)
	}
	t.Logf("%d saves gave %d notifications", saves, r.count())
	r.quiet(t, "after the final state")
}

func TestSlowSubscriberGetsFinalState(t *testing.T) {
	loc := newConfig(t, "a: {}\n")
	w, fast := watchAndRecord(t, loc)
	var mu sync.Mutex
	var last Change
	cancel := w.Subscribe(func(c Change) {
		time.Sleep(150 * time.Millisecond) // a client that reads slowly
		mu.Lock()
		last = c
		mu.Unlock()
	})
	defer cancel()
	for i := range 10 {
		renameOver(t, loc.Path, fmt.Sprintf("s%d: {}\n", i))
		time.Sleep(120 * time.Millisecond) // long enough to be separate changes
	}
	fast.waitLast(t, "", "default", "s9")
	deadline := time.Now().Add(waitLimit)
	for {
		mu.Lock()
		got := slices.Clone(last.Profiles)
		mu.Unlock()
		if slices.Equal(got, []string{"default", "s9"}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("slow subscriber ended on %v", got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWatchCloseAndCancel(t *testing.T) {
	loc := newConfig(t, "a: {}\n")
	w, err := Watch(context.Background(), loc, WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	calls := make(chan Change, 10)
	cancel := w.Subscribe(func(c Change) { calls <- c })
	cancel()
	cancel() // twice is fine
	writeFile(t, loc.Path, "b: {}\n")
	time.Sleep(quietFor)
	if len(calls) != 0 {
		t.Errorf("cancelled subscriber was called")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w.Subscribe(func(Change) { t.Error("called after Close") })()

	// Ending the context stops the watcher as well.
	ctx, stop := context.WithCancel(context.Background())
	w2, err := Watch(ctx, loc, WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stop()
	select {
	case <-w2.done:
	case <-time.After(waitLimit):
		t.Fatal("watcher did not stop with its context")
	}
}
