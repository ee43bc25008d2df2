package config

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"
)

// Defaults of SetOptions.
const (
	DefaultMaxFiles    = 16
	DefaultIdleTimeout = 10 * time.Minute
)

// ErrTooManyFiles is a request for one more config file while MaxFiles
// are watched and every one of them is in use.
var ErrTooManyFiles = errors.New("too many config files in use")

// SetOptions tune a Set. The zero value is fine.
type SetOptions struct {
	// MaxFiles is how many files are watched at once, the primary one
	// included; DefaultMaxFiles if 0. Each costs an fsnotify watcher (an
	// inotify instance on Linux, of which a user has 128 by default).
	MaxFiles int
	// IdleTimeout drops a file no request has used for this long and that
	// InUse does not claim; DefaultIdleTimeout if 0.
	IdleTimeout time.Duration
	// InUse, if set, says whether someone still wants a file's changes
	// (a connected client that used it): such a file is neither dropped
	// when idle nor evicted to make room.
	InUse func(path string) bool
	// Watch tunes each file's Watcher.
	Watch WatchOptions
}

// Set serves every config file its callers name: the primary one (the
// daemon's own, watched for as long as the Set lives) and others on
// demand, each with its own Watcher, so each keeps its own last good
// content. It is bounded: at most MaxFiles at once, and a file nobody has
// used for IdleTimeout is closed.
type Set struct {
	primary *Watcher
	opts    SetOptions
	ctx     context.Context
	stop    context.CancelFunc
	done    chan struct{}

	mu     sync.Mutex
	files  map[string]*setEntry // by cleaned absolute path; not the primary
	subs   map[*setSub]struct{}
	closed bool
}

type setEntry struct {
	w        *Watcher
	lastUsed time.Time
	cancel   func() // ends the entry's subscription that feeds the Set's
}

type setSub struct{ fn func(Change) }

// NewSet watches primary and is ready to watch more.
func NewSet(ctx context.Context, primary Location, opts SetOptions) (*Set, error) {
	if opts.MaxFiles <= 0 {
		opts.MaxFiles = DefaultMaxFiles
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	primary.Path = filepath.Clean(primary.Path)
	w, err := watchOrGiveUp(ctx, primary, opts.Watch)
	if err != nil {
		return nil, err
	}
	ctx, stop := context.WithCancel(ctx)
	s := &Set{primary: w, opts: opts, ctx: ctx, stop: stop, done: make(chan struct{}),
		files: map[string]*setEntry{}, subs: map[*setSub]struct{}{}}
	w.Subscribe(s.forward)
	go s.janitor()
	return s, nil
}

// watchOrGiveUp is Watch, abandoned when ctx ends first. The daemon builds
// its Set before it serves, under the context SIGTERM cancels; the first
// load is bounded (MaxFileSize, MaxAliasNodes), but a read that blocks
// (a hung network file system) must not keep a signalled daemon alive. The
// abandoned load's goroutine is left to the process's exit.
func watchOrGiveUp(ctx context.Context, loc Location, opts WatchOptions) (*Watcher, error) {
	type result struct {
		w   *Watcher
		err error
	}
	done := make(chan result, 1)
	go func() {
		w, err := Watch(ctx, loc, opts)
		done <- result{w, err}
	}()
	select {
	case r := <-done:
		return r.w, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("config: loading %s: %w", loc.Path, context.Cause(ctx))
	}
}

// Primary is the daemon's own file.
func (s *Set) Primary() *Watcher { return s.primary }

// Current is the primary file's Current, so a Set is a drop-in for a
// Watcher where only one file matters.
func (s *Set) Current() (*File, error) { return s.primary.Current() }

// State returns the state of the file at path, watching it from now on if
// it is not watched yet. "" and the primary's path mean the primary file.
// path must be absolute: the Set cannot know the working directory of
// whoever named it. A file named here is explicit (it must exist).
func (s *Set) State(path string) (State, error) {
	if path == "" {
		return s.primary.State(), nil
	}
	if !filepath.IsAbs(path) {
		return State{}, fmt.Errorf("config file %q: the path must be absolute (the daemon does not know the caller's working directory)", path)
	}
	path = filepath.Clean(path)
	if path == s.primary.Location().Path {
		return s.primary.State(), nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return State{}, errors.New("config: the daemon is shutting down")
	}
	if e, ok := s.files[path]; ok {
		e.lastUsed = time.Now()
		return e.w.State(), nil
	}
	if len(s.files)+1 >= s.opts.MaxFiles && !s.evictLocked() {
		return State{}, fmt.Errorf("config file %s: %w (at most %d at once, each in use by a connected client)", path, ErrTooManyFiles, s.opts.MaxFiles)
	}
	// Watch does the first load before it returns; that is bounded by the
	// file limits (MaxFileSize, MaxAliasNodes), so holding the lock over it
	// only makes concurrent first uses of other files wait that long.
	w, err := Watch(s.ctx, Location{Path: path, Explicit: true}, s.opts.Watch)
	if err != nil {
		return State{}, err
	}
	e := &setEntry{w: w, lastUsed: time.Now()}
	e.cancel = w.Subscribe(s.forward)
	s.files[path] = e
	st := w.State()
	if st.Err != nil && s.opts.Watch.Logf != nil {
		// Later breakages are announced as changes; the first load's is
		// not a change, so it is said here, once.
		s.opts.Watch.Logf("invalid when first named by a client: %v", st.Err)
	}
	return st, nil
}

// evictLocked closes the least recently used file nobody is using, to make
// room. It reports whether it found one.
func (s *Set) evictLocked() bool {
	var victim string
	var oldest time.Time
	for path, e := range s.files {
		if s.opts.InUse != nil && s.opts.InUse(path) {
			continue
		}
		if victim == "" || e.lastUsed.Before(oldest) {
			victim, oldest = path, e.lastUsed
		}
	}
	if victim == "" {
		return false
	}
	s.dropLocked(victim)
	return true
}

func (s *Set) dropLocked(path string) {
	e := s.files[path]
	delete(s.files, path)
	e.cancel()
	// Close waits for the watcher's goroutine, which never takes s.mu.
	e.w.Close()
	if s.opts.Watch.Logf != nil {
		s.opts.Watch.Logf("config: stopped watching %s: no client has used it lately", path)
	}
}

// Watched lists the files being watched besides the primary one.
func (s *Set) Watched() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.files))
	for p := range s.files {
		out = append(out, p)
	}
	return out
}

// Subscribe calls fn after every effective change of any file in the set;
// Change.File.Path() says which. Calls never overlap and come from one
// goroutine per file, so a slow fn delays only that file's news.
func (s *Set) Subscribe(fn func(Change)) (cancel func()) {
	sub := &setSub{fn: fn}
	s.mu.Lock()
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.subs, sub)
		s.mu.Unlock()
	}
}

func (s *Set) forward(c Change) {
	s.mu.Lock()
	subs := make([]*setSub, 0, len(s.subs))
	for sub := range s.subs {
		subs = append(subs, sub)
	}
	s.mu.Unlock()
	for _, sub := range subs {
		sub.fn(c)
	}
}

// janitor drops files that have been idle for IdleTimeout.
func (s *Set) janitor() {
	defer close(s.done)
	tick := time.NewTicker(min(s.opts.IdleTimeout/2, time.Minute))
	defer tick.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case now := <-tick.C:
			s.mu.Lock()
			for path, e := range s.files {
				if now.Sub(e.lastUsed) >= s.opts.IdleTimeout && (s.opts.InUse == nil || !s.opts.InUse(path)) {
					s.dropLocked(path)
				}
			}
			s.mu.Unlock()
		}
	}
}

// Close stops watching every file.
func (s *Set) Close() error {
	s.stop()
	<-s.done
	s.mu.Lock()
	s.closed = true
	for path := range s.files {
		s.dropLocked(path)
	}
	s.mu.Unlock()
	return s.primary.Close()
}
