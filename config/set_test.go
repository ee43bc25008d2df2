package config

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

type setRecorder struct {
	mu      sync.Mutex
	changes []Change
}

func (r *setRecorder) add(c Change) {
	r.mu.Lock()
	r.changes = append(r.changes, c)
	r.mu.Unlock()
}

// waitFor polls until a change of the file at path has the wanted
// profiles and error text (a substring; "" means none).
func (r *setRecorder) waitFor(t *testing.T, path, wantErr string, profiles ...string) Change {
	t.Helper()
	slices.Sort(profiles)
	deadline := time.Now().Add(waitLimit)
	for {
		r.mu.Lock()
		for _, c := range r.changes {
			if c.File.Path() == path && slices.Equal(c.Profiles, profiles) &&
				(wantErr == "" && c.Error == "" || wantErr != "" && strings.Contains(c.Error, wantErr)) {
				r.mu.Unlock()
				return c
			}
		}
		n := len(r.changes)
		r.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("no change of %s with profiles %v and error %q among %d", path, profiles, wantErr, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (r *setRecorder) paths() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.changes {
		out = append(out, c.File.Path())
	}
	return out
}

func newSet(t *testing.T, primary Location, o SetOptions) (*Set, *setRecorder) {
	t.Helper()
	o.Watch.Logf = t.Logf
	s, err := NewSet(context.Background(), primary, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r := &setRecorder{}
	t.Cleanup(s.Subscribe(r.add))
	return s, r
}

func TestSetServesEachFileWithItsOwnLastGood(t *testing.T) {
	a := newConfig(t, "team-a: {}\n")
	b := newConfig(t, "team-b: {}\n")
	s, r := newSet(t, a, SetOptions{})

	if st, err := s.State(""); err != nil || !slices.Equal(st.File.Profiles(), []string{"default", "team-a"}) {
		t.Fatalf("primary: %v, %v", st.File.Profiles(), err)
	}
	st, err := s.State(b.Path)
	if err != nil || !st.Loaded || st.Err != nil || !slices.Equal(st.File.Profiles(), []string{"default", "team-b"}) {
		t.Fatalf("State(B) = %+v, %v", st, err)
	}

	// B breaks: B keeps its last good content and says since when; A is untouched.
	writeFile(t, b.Path, "team-b: {}\nteam-c: [\n")
	r.waitFor(t, b.Path, "line 3", "default", "team-b")
	st, _ = s.State(b.Path)
	if st.Err == nil || !st.Loaded || st.Since.IsZero() || !slices.Equal(st.File.Profiles(), []string{"default", "team-b"}) {
		t.Fatalf("broken B: %+v", st)
	}
	if st, _ := s.State(a.Path); st.Err != nil || !st.File.InFile("team-a") {
		t.Fatalf("A after B broke: %+v", st)
	}
	for _, p := range r.paths() {
		if p != b.Path {
			t.Errorf("a change of %s was announced; only B changed", p)
		}
	}

	writeFile(t, b.Path, "team-b2: {}\n")
	r.waitFor(t, b.Path, "", "default", "team-b2")
	if st, _ := s.State(b.Path); st.Err != nil || !st.Since.IsZero() {
		t.Fatalf("fixed B: %+v", st)
	}
}

func TestSetRefusesRelativePaths(t *testing.T) {
	s, _ := newSet(t, newConfig(t, ""), SetOptions{})
	if _, err := s.State("kongctl/config.yaml"); err == nil || !strings.Contains(err.Error(), "must be absolute") {
		t.Fatalf("State(relative) = %v", err)
	}
}

func TestSetMissingNamedFileIsNotLoaded(t *testing.T) {
	s, _ := newSet(t, newConfig(t, ""), SetOptions{})
	st, err := s.State(newConfig(t, "").Path + ".missing")
	if err != nil || st.Loaded || st.Err == nil || st.Err.Error() != ErrConfigFileNotExist.Error() {
		t.Fatalf("State(missing) = %+v, %v", st, err)
	}
}

func TestSetIsBounded(t *testing.T) {
	busy := map[string]bool{}
	var mu sync.Mutex
	inUse := func(p string) bool { mu.Lock(); defer mu.Unlock(); return busy[p] }
	s, _ := newSet(t, newConfig(t, ""), SetOptions{MaxFiles: 3, InUse: inUse})
	b, c, d := newConfig(t, "b: {}\n"), newConfig(t, "c: {}\n"), newConfig(t, "d: {}\n")
	for _, loc := range []Location{b, c} {
		if _, err := s.State(loc.Path); err != nil {
			t.Fatal(err)
		}
	}
	// Full: D takes the place of the least recently used file nobody uses.
	mu.Lock()
	busy[c.Path] = true
	mu.Unlock()
	if _, err := s.State(d.Path); err != nil {
		t.Fatal(err)
	}
	if got := s.Watched(); slices.Contains(got, b.Path) || len(got) != 2 {
		t.Fatalf("after evicting: %v", got)
	}
	// Everything in use: refused, nothing dropped.
	mu.Lock()
	busy[d.Path] = true
	mu.Unlock()
	if _, err := s.State(b.Path); !errors.Is(err, ErrTooManyFiles) {
		t.Fatalf("State over the limit = %v", err)
	}
	if got := s.Watched(); len(got) != 2 {
		t.Fatalf("the refusal dropped a file: %v", got)
	}
}

func TestSetDropsIdleFiles(t *testing.T) {
	s, _ := newSet(t, newConfig(t, ""), SetOptions{IdleTimeout: 50 * time.Millisecond})
	b := newConfig(t, "b: {}\n")
	if _, err := s.State(b.Path); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(waitLimit)
	for len(s.Watched()) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the idle file is still watched: %v", s.Watched())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Asked for again, it is watched again.
	if st, err := s.State(b.Path); err != nil || !st.File.InFile("b") {
		t.Fatalf("State after the drop = %+v, %v", st, err)
	}
}

func TestWatcherBrokenAtStartHasNoLastGood(t *testing.T) {
	loc := newConfig(t, "a: [\n")
	w, _ := watchAndRecord(t, loc)
	st := w.State()
	if st.Loaded || st.Err == nil || !strings.Contains(st.Err.Error(), "line 2") || st.Since.IsZero() {
		t.Fatalf("State = %+v", st)
	}
}
