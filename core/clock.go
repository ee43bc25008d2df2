package core

import (
	"path/filepath"
	"sync/atomic"
	"time"
)

// TestClock is the wall clock plus an offset that tests move, so the
// daemon can be made to live through days (expiry thresholds, overlap
// windows) without sleeping. Only `konnectd serve --test-clock` (hidden)
// uses one; its test/clock method moves it.
type TestClock struct{ offset atomic.Int64 }

// Now is the clock's time.
func (c *TestClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// Advance moves the clock by d.
func (c *TestClock) Advance(d time.Duration) time.Time {
	c.offset.Add(int64(d))
	return c.Now()
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// StateDir is where the daemon keeps its own files (the expiry watch's
// state, pending revocations, the audit log): beside the keychain index.
// "" when the service keeps no index.
func (s *Service) StateDir() string {
	if s.index == nil {
		return ""
	}
	return filepath.Dir(s.index.Path())
}
