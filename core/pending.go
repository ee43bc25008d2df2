package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/konnectd/konnectd/internal/privfile"
	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/output"
)

// Pending revocations: a rotation with an overlap keeps the old token
// working until its successor is in use everywhere, then retires it. The
// retirement is written down before the rotation answers, in a 0600 file
// beside the daemon's state, so that `konnectd stop`, a crash or a reboot
// does not leave the old token alive for good; the daemon's revoker does
// it when due, retrying with backoff. Revoking is idempotent: a token
// already revoked, or gone (404), counts as done.

// PendingFile is the pending revocations' file, in the state directory.
const PendingFile = "konnectd-pending-revocations.json"

// PendingRevocation is one old token to retire.
type PendingRevocation struct {
	Kind            string `json:"kind"` // pat or spat
	ID              string `json:"id"`
	Name            string `json:"name,omitempty"`
	UserID          string `json:"userId,omitempty"`
	SystemAccountID string `json:"systemAccountId,omitempty"`
	// Action is "revoke" (a PAT) or "delete" (a SPAT, or deleteOld).
	Action string `json:"action"`
	// Profile is whose credential retires it (the rotation's profile:
	// after rotating a profile's own credential, its successor).
	Profile   string `json:"profile"`
	Successor string `json:"successor,omitempty"` // the new token's id
	Account   string `json:"account,omitempty"`   // the keychain entry that held it
	Due       string `json:"due"`                 // RFC 3339
	CreatedAt string `json:"createdAt"`
	Attempts  int    `json:"attempts,omitempty"`
	NextTry   string `json:"nextTry,omitempty"` // after a failure
	LastError string `json:"lastError,omitempty"`
}

type pendingData struct {
	Version int                 `json:"version"`
	Pending []PendingRevocation `json:"pending"`
}

// pendingStore is the file, guarded within the process. Only the daemon
// writes it (konnectd mcp's rotations do not schedule: see RotateToken),
// so no cross-process lock is taken.
type pendingStore struct {
	mu   sync.Mutex
	path string
}

func (p *pendingStore) load() (*pendingData, error) {
	d := &pendingData{Version: 1}
	b, err := os.ReadFile(p.path)
	if errors.Is(err, fs.ErrNotExist) {
		return d, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pending revocations: %w", err)
	}
	if err := json.Unmarshal(b, d); err != nil || d.Version != 1 {
		return nil, fmt.Errorf("pending revocations: %s is not readable (%v): fix or remove it", p.path, err)
	}
	return d, nil
}

func (p *pendingStore) save(d *pendingData) error {
	b, _ := json.MarshalIndent(d, "", "  ")
	if err := privfile.Write(p.path, b); err != nil {
		return fmt.Errorf("pending revocations: %w", err)
	}
	return nil
}

// update runs f on the data under the lock and saves it.
func (p *pendingStore) update(f func(*pendingData)) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	d, err := p.load()
	if err != nil {
		return err
	}
	f(d)
	return p.save(d)
}

func (s *Service) pending() *pendingStore {
	dir := s.StateDir()
	if dir == "" {
		return nil
	}
	s.pendingOnce.Do(func() { s.pendingFile = &pendingStore{path: filepath.Join(dir, PendingFile)} })
	return s.pendingFile
}

// schedule writes down a revocation; it is done idempotently: an entry
// for the same token is replaced.
func (s *Service) schedule(pr PendingRevocation) error {
	ps := s.pending()
	if ps == nil {
		return errors.New("this daemon keeps no state directory, so it cannot schedule a revocation")
	}
	err := ps.update(func(d *pendingData) {
		d.Pending = slices.DeleteFunc(d.Pending, func(x PendingRevocation) bool { return x.ID == pr.ID })
		d.Pending = append(d.Pending, pr)
	})
	if err == nil {
		s.Kick()
	}
	return err
}

// PendingRevocations lists what is scheduled (token/pending).
func (s *Service) PendingRevocations(ctx context.Context) ([]PendingRevocation, error) {
	ps := s.pending()
	if ps == nil {
		return []PendingRevocation{}, nil
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	d, err := ps.load()
	if err != nil {
		return nil, err
	}
	if d.Pending == nil {
		return []PendingRevocation{}, nil
	}
	return d.Pending, nil
}

// revokeBackoff is the wait after the n-th failed attempt: 30 s, doubling,
// at most an hour. It never gives up: the old token must not live on
// because Konnect was down for a while.
func revokeBackoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// RunRevoker retires pending revocations when due until ctx ends: one
// timer to the next due one (at most watchMaxSleep), and a Kick when one is
// scheduled or the clock moves.
func (s *Service) RunRevoker(ctx context.Context) {
	kick := make(chan struct{}, 1)
	s.watchMu.Lock()
	s.revokerKick = kick
	s.watchMu.Unlock()
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		next := s.revokeDue(ctx)
		d := watchMaxSleep
		if !next.IsZero() {
			d = min(max(next.Sub(s.now()), time.Millisecond), watchMaxSleep)
		}
		t.Reset(d)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-kick:
			if !t.Stop() {
				select {
				case <-t.C:
				default:
				}
			}
		}
	}
}

// revokeDue retires what is due and returns when the next one is.
func (s *Service) revokeDue(ctx context.Context) time.Time {
	ps := s.pending()
	if ps == nil {
		return time.Time{}
	}
	ps.mu.Lock()
	d, err := ps.load()
	ps.mu.Unlock()
	if err != nil {
		s.log.Warn("pending revocations unreadable", "error", err)
		return s.now().Add(watchMaxSleep)
	}
	var next time.Time
	for _, pr := range d.Pending {
		at := parseTime(pr.Due)
		if t := parseTime(pr.NextTry); t.After(at) {
			at = t
		}
		if at.After(s.now()) {
			if next.IsZero() || at.Before(next) {
				next = at
			}
			continue
		}
		err := s.retire(ctx, pr)
		_ = ps.update(func(d *pendingData) {
			i := slices.IndexFunc(d.Pending, func(x PendingRevocation) bool { return x.ID == pr.ID })
			if i < 0 {
				return
			}
			if err == nil {
				d.Pending = slices.Delete(d.Pending, i, i+1)
				return
			}
			x := &d.Pending[i]
			x.Attempts++
			x.LastError = err.Error()
			x.NextTry = output.FormatTime(s.now().Add(revokeBackoff(x.Attempts)))
			if t := parseTime(x.NextTry); next.IsZero() || t.Before(next) {
				next = t
			}
		})
	}
	return next
}

// retire revokes (or deletes) one old token with its profile's credential.
// Already revoked or gone is success.
func (s *Service) retire(ctx context.Context, pr PendingRevocation) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	sess, err := s.Resolve(ctx, Caller{Profile: pr.Profile})
	if err == nil {
		switch {
		case pr.Kind == KindSPAT:
			err = sess.client.DeleteSPAT(ctx, pr.SystemAccountID, pr.ID)
		case pr.Action == "delete":
			err = sess.client.DeletePAT(ctx, pr.UserID, pr.ID)
		default:
			_, err = sess.client.RevokePAT(ctx, pr.UserID, pr.ID)
		}
	}
	if konnect.NotFound(err) {
		err = nil // gone already: nothing left to retire
	}
	if err != nil {
		s.log.Warn("pending revocation failed; will retry", "kind", pr.Kind, "id", pr.ID, "profile", pr.Profile, "error", err)
		return err
	}
	s.log.Info("retired the old token of a rotation", "kind", pr.Kind, "id", pr.ID, "action", pr.Action, "successor", pr.Successor)
	s.audit(ctx, AuditEvent{Event: "revoke", Profile: pr.Profile, Kind: pr.Kind, TokenID: pr.ID, Detail: "after the overlap of a rotation to " + pr.Successor})
	return nil
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
