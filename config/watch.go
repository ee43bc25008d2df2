package config

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/konnectd/konnectd/internal/redact"
)

// Change is what subscribers hear after each effective change: the profiles
// now configured (from the last good file) and, when the newest content
// could not be used, why. The connection's active profile is not here: it is
// per connection, and the RPC layer adds it.
type Change struct {
	Profiles []string
	// Error is empty when the newest content loaded; otherwise it says what
	// is wrong, with line and column, and Profiles are the last good ones.
	Error string
	// File is the last good config.
	File *File
}

// WatchOptions tune a Watcher. The zero value is fine.
type WatchOptions struct {
	// Debounce is how long the file must stay quiet before a reload;
	// default 100 ms. A steady stream of events still reloads at least
	// every 5×Debounce.
	Debounce time.Duration
	// Logf, if set, hears about watch trouble (never about file content).
	Logf func(format string, args ...any)
}

// Watcher keeps a config file loaded and announces changes.
//
// It watches directories, not the file: editors save by renaming over the
// file, Kubernetes swaps a ..data symlink, and a file that does not exist
// yet cannot be watched at all. So it watches the nearest existing directory
// on the way to the file plus the directory of every symlink hop and of the
// final target, re-resolves all of that after every burst of events, and
// re-reads the file. A reload that finds the same bytes (and the same login
// token files) announces nothing; one that finds invalid YAML keeps the last
// good profiles and announces the error.
type Watcher struct {
	loc  Location
	opts WatchOptions
	fsw  *fsnotify.Watcher

	mu       sync.Mutex
	good     *File     // last good config; never nil
	loaded   bool      // good came from a load, not the empty stand-in
	seen     *File     // what the last reload saw when it was valid
	lastBad  string    // the error text of the last reload, "" when it was fine
	badSince time.Time // when the content went bad; zero while lastBad is ""
	subs     map[*subscription]struct{}
	closed   bool // no more subscriptions

	watched map[string]bool // touched by the run goroutine only
	stop    context.CancelFunc
	done    chan struct{}
}

// Watch loads loc and keeps it loaded until ctx ends or Close is called. A
// file that is missing or invalid at start is not an error: Current reports
// it, and the watcher picks up the fix. Only failing to set up fsnotify is.
func Watch(ctx context.Context, loc Location, opts WatchOptions) (*Watcher, error) {
	if opts.Debounce <= 0 {
		opts.Debounce = 100 * time.Millisecond
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("config: watching %s: %w", loc.Path, err)
	}
	ctx, stop := context.WithCancel(ctx)
	w := &Watcher{
		loc: loc, opts: opts, fsw: fsw,
		good: empty(loc.Path), subs: map[*subscription]struct{}{},
		watched: map[string]bool{}, stop: stop, done: make(chan struct{}),
	}
	w.reload()
	go w.run(ctx)
	return w, nil
}

// Current returns the last good config and the error of the newest load
// (nil when the newest content is the good one).
func (w *Watcher) Current() (*File, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.lastBad != "" {
		return w.good, errors.New(w.lastBad)
	}
	return w.good, nil
}

// State is a watcher's view of its file at one moment.
type State struct {
	// File is the last good config. Before any load succeeded it is an
	// empty config for the path (never nil); Loaded says which.
	File *File
	// Loaded is false while no load of the file has succeeded since the
	// watch began: then Err says why, and there is no last good config
	// to fall back on.
	Loaded bool
	// Err is the newest load's problem (nil when File is the newest
	// content), with line and column when the YAML is at fault.
	Err error
	// Since is when the file first failed to load in the current run of
	// failures; zero when Err is nil.
	Since time.Time
}

// State returns the watcher's current state.
func (w *Watcher) State() State {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := State{File: w.good, Loaded: w.loaded}
	if w.lastBad != "" {
		st.Err, st.Since = errors.New(w.lastBad), w.badSince
	}
	return st
}

// Location is the file being watched.
func (w *Watcher) Location() Location { return w.loc }

// Close stops watching and ends every subscription.
func (w *Watcher) Close() error {
	w.stop()
	<-w.done
	return nil
}

func (w *Watcher) run(ctx context.Context) {
	defer close(w.done)
	defer w.fsw.Close()
	defer w.closeSubs()

	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var burst time.Time // when the pending burst began; zero when none
	arm := func() {
		now := time.Now()
		if burst.IsZero() {
			burst = now
		}
		wait := w.opts.Debounce
		if limit := burst.Add(5 * w.opts.Debounce).Sub(now); limit < wait {
			wait = max(limit, 0)
		}
		timer.Reset(wait)
	}
	for {
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case _, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			arm()
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			// An overflow means lost events: reload to be sure.
			w.logf("config: watching %s: %v", w.loc.Path, err)
			arm()
		case <-timer.C:
			burst = time.Time{}
			w.reload()
		}
	}
}

// reload re-resolves what to watch, then reads the file. Watches come first
// so that anything that changes after they are in place raises a new event.
func (w *Watcher) reload() {
	w.updateWatches()
	f, err := Load(w.loc)

	w.mu.Lock()
	var c *Change
	if err != nil {
		msg := redact.String(err.Error())
		if msg != w.lastBad {
			// Broken content is compared by its message, not its bytes:
			// two saves that give the same error and the same last good
			// profiles would announce the same thing.
			if w.lastBad == "" {
				w.badSince = time.Now()
			}
			w.lastBad, w.seen = msg, nil
			// With nothing loaded yet there is no last good config, and
			// no profiles: profile/list answers the same.
			profiles := []string{}
			if w.loaded {
				profiles = w.good.Profiles()
			}
			c = &Change{Profiles: profiles, Error: msg, File: w.good}
		}
	} else if w.lastBad != "" || w.seen == nil || !w.seen.same(f) {
		w.good, w.seen, w.lastBad, w.loaded, w.badSince = f, f, "", true, time.Time{}
		c = &Change{Profiles: f.Profiles(), File: f}
	}
	var subs []*subscription
	if c != nil {
		for s := range w.subs {
			subs = append(subs, s)
		}
	}
	w.mu.Unlock()
	for _, s := range subs {
		s.offer(*c)
	}
}

// updateWatches makes the fsnotify watch list match the directories that
// matter now. Add is repeated for directories already watched: a directory
// deleted and recreated under the same name needs a fresh watch.
func (w *Watcher) updateWatches() {
	for attempt := 0; attempt < 3; attempt++ {
		want := watchDirs(w.loc.Path)
		raced := false
		for dir := range want {
			if err := w.fsw.Add(dir); err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					raced = true // removed since we looked; look again
					continue
				}
				w.logf("config: watching %s: %v", dir, err)
				continue
			}
			w.watched[dir] = true
		}
		for dir := range w.watched {
			if !want[dir] {
				_ = w.fsw.Remove(dir) // fails if the directory is gone, which is fine
				delete(w.watched, dir)
			}
		}
		if !raced {
			return
		}
	}
}

// watchDirs is the set of directories whose events can change what reading
// path returns: the nearest existing directory above path, then the same for
// each symlink hop. Watching a directory through a symlinked path (Kubernetes'
// ..data) watches what it points to now; the ..data swap itself shows up in
// the parent, and the next reload re-adds the path so the watch follows.
func watchDirs(path string) map[string]bool {
	dirs := map[string]bool{}
	cur := path
	for hop := 0; hop < 40; hop++ {
		if d := nearestDir(filepath.Dir(cur)); d != "" {
			dirs[d] = true
		}
		fi, err := os.Lstat(cur)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			break
		}
		target, err := os.Readlink(cur)
		if err != nil {
			break
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(cur), target)
		}
		cur = target
	}
	return dirs
}

// nearestDir is dir or its closest existing ancestor.
func nearestDir(dir string) string {
	for {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func (w *Watcher) logf(format string, args ...any) {
	if w.opts.Logf != nil {
		w.opts.Logf("%s", redact.String(fmt.Sprintf(format, args...)))
	}
}
