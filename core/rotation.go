package core

import (
	"context"
	"fmt"
	"time"

	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/output"
)

// Rotation of a stored token: `konnectd rotate NAME | -p PROFILE` and
// token/rotate {entry | entryProfile}. konnectd's record of the entry says
// which token it holds; the successor gets the same name and lifetime,
// replaces the secret in the same entry (one keychain write: the entry
// always holds a working token), and the old token is retired after the
// overlap (DefaultOverlap, 0 = at once) by the daemon's revoker, from a
// persisted schedule (pending.go).

// DefaultOverlap is how long a rotated token keeps working by default, so
// that whatever still holds the old secret (a running job, another
// machine's copy) has time to pick up the new one.
const DefaultOverlap = 15 * time.Minute

// fromEntry fills a rotation of a stored entry from its record: the
// owner, the token, the lifetime and the store target (the same entry).
// c.Profile becomes the record's profile unless the caller named one, so
// the successor is created (and later the old one revoked) with that
// profile's credential.
func (s *Service) fromEntry(ctx context.Context, c *Caller, r *RotateTokenRequest) error {
	if r.Entry != "" && r.EntryProfile != "" {
		return invalid("give entry or entryProfile, not both")
	}
	if r.Kind != "" || r.ID != "" || r.Name != "" || r.Store != nil || r.ExpiresIn != "" || r.ExpiresAt != "" {
		return invalid("a rotation of a stored entry takes its token, owner, lifetime and store from konnectd's record: give only entry (or entryProfile), overlap, newName and format")
	}
	if err := s.needIndex(); err != nil {
		return err
	}
	acct := keychain.ProfileAccount(r.EntryProfile)
	if r.Entry != "" {
		acct = s.resolveStored(ctx, r.Entry)
	}
	rec, ok := s.indexRecord(ctx, acct)
	if !ok {
		return &LookupError{Kind: "not_found", Msg: fmt.Sprintf("konnectd has no record of keychain entry %s: %s lists what it stored", acct, s.listCommand(c.Face))}
	}
	if rec.TokenID == "" {
		return &LookupError{Kind: "not_found", Msg: fmt.Sprintf("keychain entry %s holds %s: konnectd does not know which Konnect token it is, so it cannot rotate it (create a new token with --store-as-profile, or log in again with a PAT)", acct, describe(rec, true))}
	}
	created, err1 := time.Parse(time.RFC3339Nano, rec.CreatedAt)
	expires, err2 := time.Parse(time.RFC3339Nano, rec.ExpiresAt)
	if err1 != nil || err2 != nil {
		return &LookupError{Kind: "not_found", Msg: fmt.Sprintf("keychain entry %s: konnectd's record has no lifetime for %s", acct, describe(rec, true))}
	}
	life := min(max(expires.Sub(created).Round(time.Second), minTokenLifetime), maxTokenLifetime)
	r.Kind, r.ID = rec.Kind, rec.TokenID
	r.UserID = rec.UserID
	r.SystemAccountID = rec.SystemAccountID
	r.ExpiresIn = life.String()
	name, space := keychain.AccountName(acct)
	switch space {
	case "profile":
		r.Store = &StoreTarget{Profile: name}
	case "token":
		r.Store = &StoreTarget{Name: name}
	default:
		return invalid(fmt.Sprintf("keychain entry %s is a %s entry: forget it or store it under a name first; only --store names and profiles rotate", acct, space))
	}
	if c.Profile == "" {
		c.Profile = rec.Profile
		if space == "profile" {
			c.Profile = name
		}
	}
	if r.Overlap == nil {
		d := DefaultOverlap.String()
		r.Overlap = &d
	}
	return nil
}

// overlapOf parses the overlap; nil (a legacy token/rotate) is 0.
func overlapOf(s *string) (time.Duration, error) {
	if s == nil || *s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(*s)
	if err != nil || d < 0 || d > 7*24*time.Hour {
		return 0, invalid(fmt.Sprintf("invalid overlap %q: a duration from 0 (revoke at once) to 168h, e.g. 15m", *s))
	}
	return d, nil
}

// scheduleRetire writes down the old token's retirement after overlap and
// returns when it is due.
func (s *Service) scheduleRetire(req *tokenRequest, o *owner, old output.TokenInfo, created *TokenCreated, action string, overlap time.Duration) (time.Time, error) {
	due := s.now().Add(overlap)
	act := "revoke"
	if action == "deleted" {
		act = "delete"
	}
	pr := PendingRevocation{Kind: o.kind, ID: old.ID, Name: old.Name, UserID: o.userID, Action: act, Profile: req.profile(),
		Successor: created.ID, Account: req.account, Due: output.FormatTime(due), CreatedAt: output.FormatTime(s.now())}
	if o.acct != nil {
		pr.SystemAccountID = o.acct.ID
	}
	return due, s.schedule(pr)
}
