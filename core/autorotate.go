package core

import (
	"context"
	"fmt"
	"time"

	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/output"
)

// Auto-rotation, opt-in per profile: with konnectd.rotate-before: 14d, a
// stored token of that profile (a --store name it created, or the
// profile's own credential) is rotated by the daemon when it has 14 days
// left, with the default overlap, as `konnectd rotate` would. Every client
// hears a token/rotated notification; the audit log has the rotation
// (peer: the daemon itself). A failure is retried an hour later, and the
// expiry notifications keep coming meanwhile.

// KeyRotateBefore is the profile setting that turns auto-rotation on.
const KeyRotateBefore = "konnectd.rotate-before"

// RotatedMethod is the notification of a rotation the daemon did itself.
const RotatedMethod = "token/rotated"

// autoRetry is how long a failed auto-rotation waits before it is tried
// again.
const autoRetry = time.Hour

// TokenRotated is token/rotated's params.
type TokenRotated struct {
	Account  string `json:"account"`
	Profile  string `json:"profile,omitempty"`
	Kind     string `json:"kind"`
	OldID    string `json:"oldId"`
	NewID    string `json:"newId,omitempty"`
	RetireAt string `json:"retireAt,omitempty"`
	Error    string `json:"error,omitempty"` // the rotation failed; the old token is untouched unless Message says otherwise
	Message  string `json:"message"`
}

// rotateAt is when r is due for auto-rotation; ok is false when its
// profile has no konnectd.rotate-before, the entry cannot be rotated (no
// token id, a recovered entry), or a failure's retry is pending (then the
// retry time is returned).
func (w *ExpiryWatch) rotateAt(ctx context.Context, st *expiryState, r keychain.Record, exp time.Time) (time.Time, bool) {
	if r.TokenID == "" || (r.Kind != KindPAT && r.Kind != KindSPAT) || r.CreatedAt == "" {
		return time.Time{}, false
	}
	name, space := keychain.AccountName(r.Account)
	profile := r.Profile
	switch space {
	case "profile":
		profile = name
	case "token":
	default:
		return time.Time{}, false
	}
	rb, cached := w.rbCache[profile]
	if !cached {
		rb.d, rb.ok = w.s.rotateBefore(ctx, profile)
		w.rbCache[profile] = rb
	}
	d, ok := rb.d, rb.ok
	if !ok {
		return time.Time{}, false
	}
	at := exp.Add(-d)
	if retry := parseTime(st.AutoFailed[watchKey(r)]); retry.After(at) {
		at = retry
	}
	return at, true
}

// rotateBeforeSetting is one profile's konnectd.rotate-before, cached for
// one check (reading a profile can read the keychain).
type rotateBeforeSetting struct {
	d  time.Duration
	ok bool
}

// rotateBefore is profile's konnectd.rotate-before, when set and valid.
func (s *Service) rotateBefore(ctx context.Context, profile string) (time.Duration, bool) {
	if s.cfg == nil {
		return 0, false
	}
	p, _, err := s.profile(ctx, Caller{Profile: profile})
	if err != nil || p == nil {
		return 0, false
	}
	v, ok := p.String(KeyRotateBefore)
	if !ok || v == "" {
		return 0, false
	}
	d, err := parseThreshold(v)
	if err != nil {
		s.log.Warn("auto-rotation off: invalid "+KeyRotateBefore, "profile", profile, "value", v)
		return 0, false
	}
	return d, true
}

// autoRotate rotates r's entry as `konnectd rotate` would and tells every
// client.
func (w *ExpiryWatch) autoRotate(ctx context.Context, r keychain.Record) {
	s := w.s
	defer func() {
		w.mu.Lock()
		delete(w.rotating, r.Account)
		w.mu.Unlock()
	}()
	name, space := keychain.AccountName(r.Account)
	req := &RotateTokenRequest{Entry: r.Account}
	if space == "profile" {
		req = &RotateTokenRequest{EntryProfile: name}
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	n := TokenRotated{Account: r.Account, Profile: r.Profile, Kind: r.Kind, OldID: r.TokenID}
	v, err := s.RotateToken(ctx, Caller{Face: FaceRPC}, req)
	if err != nil {
		n.Error = err.Error()
		n.Message = fmt.Sprintf("auto-rotation of keychain entry %s (%s) failed, will retry in %s: %v", r.Account, describe(r, true), autoRetry, err)
		s.log.Warn("auto-rotation failed", "account", r.Account, "id", r.TokenID, "error", err)
		w.mu.Lock()
		st := w.load()
		st.AutoFailed[watchKey(r)] = output.FormatTime(s.now().Add(autoRetry))
		w.save(st)
		w.mu.Unlock()
	} else if res, ok := v.(*RotateResult); ok {
		n.NewID, n.RetireAt = res.New.ID, res.RetireAt
		n.Message = fmt.Sprintf("konnectd rotated keychain entry %s (%s, expiring %s): the new %s %q (%s) is in place; the old one keeps working until %s", r.Account, r.Kind, r.ExpiresAt, res.New.Type, res.New.Name, res.New.ID, res.RetireAt)
		s.log.Info("auto-rotated", "account", r.Account, "old", r.TokenID, "new", res.New.ID)
	}
	if w.notify != nil {
		w.notify(RotatedMethod, n)
	}
}
