package core

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/konnectd/konnectd/output"
)

// Quota awareness: Konnect lets a user hold at most MaxPATs personal
// access tokens, counting revoked and expired ones until they are deleted.
// konnectd says how many a user holds (status, token/quota) and, for the
// VS Code and MCP faces, refuses a create at the limit before the POST,
// naming what to delete. `konnectd create pat` does not look first: it
// makes kongctl's two requests and prints kongctl's error at the limit
// (the drop-in promise), so its advice lives in `konnectd status` and
// `konnectd call token/quota`.

// MaxPATs is Konnect's limit of personal access tokens per user.
const MaxPATs = 10

// PATQuota is how close a user is to the limit.
type PATQuota struct {
	UserID string `json:"userId"`
	Held   int    `json:"held"`
	Max    int    `json:"max"`
	// Expired are the held tokens that no longer work (expired or
	// revoked): deleting them frees a place at no cost.
	Expired []output.TokenInfo `json:"expired"`
	// LeastRecentlyUsed are up to three working tokens, never-used and
	// longest-unused first.
	LeastRecentlyUsed []output.TokenInfo `json:"leastRecentlyUsed"`
	// Advice is the sentence to show at 9 or 10, "" below.
	Advice string `json:"advice,omitempty"`
}

// QuotaRequest is token/quota's params without the profile.
type QuotaRequest struct {
	UserID string `json:"userId,omitempty"` // default: the caller's own user
}

// Quota is token/quota.
func (s *Service) Quota(ctx context.Context, c Caller, r *QuotaRequest) (*PATQuota, error) {
	sess, err := s.Resolve(ctx, c)
	if err != nil {
		return nil, err
	}
	o, err := s.resolveOwner(ctx, sess, TokenOwner{Kind: KindPAT, UserID: r.UserID})
	if err != nil {
		return nil, err
	}
	return s.patQuota(ctx, sess, o.userID, c.Face)
}

func (s *Service) patQuota(ctx context.Context, sess *Session, userID, face string) (*PATQuota, error) {
	list, err := s.tokens(ctx, sess, &owner{kind: KindPAT, userID: userID}, "")
	if err != nil {
		return nil, err
	}
	q := &PATQuota{UserID: userID, Held: len(list), Max: MaxPATs, Expired: []output.TokenInfo{}, LeastRecentlyUsed: []output.TokenInfo{}}
	var active []output.TokenInfo
	for _, t := range list {
		if t.State != "" && t.State != "ACTIVE" {
			q.Expired = append(q.Expired, t)
		} else {
			active = append(active, t)
		}
	}
	// RFC 3339 in UTC sorts as text; never used ("") sorts first.
	slices.SortStableFunc(active, func(a, b output.TokenInfo) int { return strings.Compare(a.LastUsedAt, b.LastUsedAt) })
	q.LeastRecentlyUsed = append(q.LeastRecentlyUsed, active[:min(3, len(active))]...)
	if q.Held >= q.Max-1 {
		q.Advice = s.quotaAdvice(q, face)
	}
	return q, nil
}

func (s *Service) quotaAdvice(q *PATQuota, face string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "this user holds %d of the %d personal access tokens Konnect allows", q.Held, q.Max)
	if q.Held >= q.Max {
		b.WriteString(" (a new one will be refused)")
	}
	name := func(t output.TokenInfo) string {
		used := "never used"
		if t.LastUsedAt != "" {
			used = "last used " + t.LastUsedAt
		}
		return fmt.Sprintf("%q (%s, %s)", t.Name, t.ID, used)
	}
	var cands []output.TokenInfo
	if len(q.Expired) > 0 {
		parts := make([]string, len(q.Expired))
		for i, t := range q.Expired {
			parts[i] = fmt.Sprintf("%q (%s, %s)", t.Name, t.ID, strings.ToLower(t.State))
		}
		fmt.Fprintf(&b, "; no longer working: %s", strings.Join(parts, ", "))
		cands = q.Expired
	}
	if len(q.LeastRecentlyUsed) > 0 {
		parts := make([]string, len(q.LeastRecentlyUsed))
		for i, t := range q.LeastRecentlyUsed {
			parts[i] = name(t)
		}
		fmt.Fprintf(&b, "; least recently used: %s", strings.Join(parts, ", "))
		if cands == nil {
			cands = q.LeastRecentlyUsed
		}
	}
	if len(cands) > 0 {
		fmt.Fprintf(&b, "; delete one with %s", s.deleteCommand(face, &TokenCreated{Type: KindPAT, ID: cands[0].ID}))
	}
	return b.String()
}

// QuotaError is a create refused before the POST because the user is at
// the limit (VS Code and MCP faces).
type QuotaError struct{ Quota *PATQuota }

func (e *QuotaError) Error() string {
	return e.Quota.Advice + "; nothing was created"
}

// checkQuota is the VS Code and MCP faces' look before a PAT create: at
// the limit the create is refused with what to delete (Konnect would
// answer 400 max_items). The CLI's create does not look (kongctl's
// requests), nor does a plain RPC client (it can ask token/quota).
func (s *Service) checkQuota(ctx context.Context, req *tokenRequest, userID string) error {
	if req.face != FaceVSCode && req.face != FaceMCP {
		return nil
	}
	q, err := s.patQuota(ctx, req.sess, userID, req.face)
	if err != nil {
		s.log.Debug("quota check skipped", "error", err)
		return nil // Konnect's own answer will tell
	}
	if q.Held >= q.Max {
		return &QuotaError{Quota: q}
	}
	return nil
}
