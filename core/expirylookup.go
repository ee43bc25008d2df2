package core

import (
	"context"
	"time"

	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/konnect"
)

// learnWindow is how close together the two most recent last_used_at of
// a user's PATs may be before matchLogin gives up: another client using
// another of the user's tokens at the same moment makes the match
// ambiguous.
const learnWindow = 5 * time.Second

// matchLogin finds which of its user's PATs a token given to login (or
// imported) is, so that its id and expiry are known: Konnect does not tell
// a token's holder its id, but it moves last_used_at on every use, so the
// PAT whose last_used_at this very listing moved, alone by more than
// learnWindow, is the token. rec gets the id, name and expiry (IDFrom
// "last-used"); ok is false when it cannot tell (then rec is unchanged).
// It costs one listing, made once, when the token is stored. Limits: PATs
// only (a SPAT cannot list its account's tokens by itself, and a kongctl
// login token is no PAT); a user whose other tokens are busy at that
// moment stays unmatched; real Konnect may move last_used_at more coarsely
// than the emulator, and then the match fails rather than guesses.
func (s *Service) matchLogin(ctx context.Context, kc *konnect.Client, rec *keychain.Record) bool {
	if rec.Kind != KindPAT || rec.UserID == "" {
		return false
	}
	page, err := kc.ListPATs(ctx, rec.UserID, konnect.ListOptions{})
	if err != nil {
		s.log.Info("could not list a login's tokens to learn its id", "account", rec.Account, "error", err)
		return false
	}
	var best, second time.Time
	bestIdx := -1
	for i, t := range page.Items {
		if t.LastUsedAt == nil {
			continue
		}
		u, err := time.Parse(time.RFC3339Nano, *t.LastUsedAt)
		if err != nil {
			continue
		}
		switch {
		case u.After(best):
			second, best, bestIdx = best, u, i
		case u.After(second):
			second = u
		}
	}
	if bestIdx < 0 || (!second.IsZero() && best.Sub(second) < learnWindow) {
		s.log.Info("could not tell which token a login holds: its id and expiry stay unknown", "account", rec.Account)
		return false
	}
	t := page.Items[bestIdx]
	rec.TokenID, rec.TokenName, rec.IDFrom = t.ID, t.Name, keychain.IDFromLastUsed
	rec.CreatedAt, rec.ExpiresAt = kongTime(t.CreatedAt), kongTimePtr(t.ExpiresAt)
	s.log.Info("matched a login to its token", "account", rec.Account, "id", rec.TokenID, "expires_at", rec.ExpiresAt)
	return true
}
