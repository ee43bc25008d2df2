package core

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/konnect"
)

// Revocation on request: logout --revoke (the profile's own token) and
// revoke-all --created-by-konnectd (every token konnectd minted and still
// holds, for a machine that may be compromised).

// revokeRecord retires the token rec describes with profile's credential:
// a PAT is revoked, a SPAT (which cannot be revoked) deleted. A token
// Konnect no longer has counts as done ("gone").
func (s *Service) revokeRecord(ctx context.Context, profile string, rec keychain.Record) (string, error) {
	sess, err := s.Resolve(ctx, Caller{Profile: profile})
	if err != nil {
		return "", err
	}
	action := "revoked"
	switch rec.Kind {
	case KindPAT:
		_, err = sess.client.RevokePAT(ctx, rec.UserID, rec.TokenID)
	case KindSPAT:
		action = "deleted"
		err = sess.client.DeleteSPAT(ctx, rec.SystemAccountID, rec.TokenID)
	default:
		return "", fmt.Errorf("a %s cannot be revoked by konnectd", kindWord(rec.Kind))
	}
	if konnect.NotFound(err) {
		return "gone", nil
	}
	if err != nil {
		return "", err
	}
	s.audit(ctx, AuditEvent{Event: "revoke", Profile: profile, Account: rec.Account, Kind: rec.Kind, TokenID: rec.TokenID, Detail: action})
	return action, nil
}

// logoutRevoke revokes the profile's stored token before logout forgets
// it. An unknown id, or a failed revocation, stops the logout: the entry
// stays, and the message says why.
func (s *Service) logoutRevoke(ctx context.Context, name string) (string, error) {
	acct := keychain.ProfileAccount(name)
	rec, ok := s.indexRecord(ctx, acct)
	if _, err := s.keys.Get(ctx, acct); errors.Is(err, keychain.ErrNotFound) {
		return "", nil // nothing stored: logout says so
	}
	if !ok || rec.TokenID == "" || (rec.Kind == KindPAT && rec.UserID == "") || (rec.Kind == KindSPAT && rec.SystemAccountID == "") {
		return "", invalid(fmt.Sprintf("profile %q's stored token is %s: konnectd does not know its Konnect id, so it cannot revoke it; nothing was removed. Log out without --revoke and delete the token in Konnect ('konnectd get pats' lists yours)", name, describe(rec, ok)))
	}
	action, err := s.revokeRecord(ctx, name, rec)
	if err != nil {
		return "", fmt.Errorf("revoking profile %q's %s failed, so it was not removed from the keychain (it still works): %w", name, describe(rec, true), err)
	}
	if action == "gone" {
		return fmt.Sprintf("%s %q (%s) was already gone from Konnect", rec.Kind, rec.TokenName, rec.TokenID), nil
	}
	return fmt.Sprintf("%s %s %q (%s) in Konnect", upper(action), rec.Kind, rec.TokenName, rec.TokenID), nil
}

func upper(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// RevokeAllRequest is token/revokeAll.
type RevokeAllRequest struct {
	// CreatedByKonnectd must be true: the only set revokeAll knows is the
	// tokens konnectd minted (index source created or recovered).
	CreatedByKonnectd bool `json:"createdByKonnectd"`
	// Confirm does it; without it the answer is the plan, nothing is
	// touched.
	Confirm bool `json:"confirm,omitempty"`
}

// RevokeOutcome is one token of a revokeAll.
type RevokeOutcome struct {
	Account string `json:"account"`
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Profile string `json:"profile,omitempty"`
	// Result is revoked, deleted (a SPAT), gone (Konnect no longer had
	// it), failed (Error says why; the entry is kept), or planned.
	Result string `json:"result"`
	Error  string `json:"error,omitempty"`
}

// RevokeAllResult is token/revokeAll's answer.
type RevokeAllResult struct {
	Tokens []RevokeOutcome `json:"tokens"`
	Done   bool            `json:"done"` // false: the plan only
}

// RevokeAll revokes every token konnectd minted and still holds, then
// forgets its entry. Profiles' own credentials go last, so the other
// revocations still have a credential to use (Konnect also keeps a revoked
// token usable for a few minutes).
func (s *Service) RevokeAll(ctx context.Context, c Caller, r *RevokeAllRequest) (*RevokeAllResult, error) {
	if !r.CreatedByKonnectd {
		return nil, invalid("revokeAll needs createdByKonnectd: true (the tokens konnectd minted and still holds)")
	}
	recs, err := s.StoredRecords(ctx)
	if err != nil {
		return nil, err
	}
	var todo []keychain.Record
	for _, rec := range recs {
		if rec.TokenID != "" && (rec.Source == keychain.SourceCreated || rec.Source == keychain.SourceRecovered) {
			todo = append(todo, rec)
		}
	}
	slices.SortStableFunc(todo, func(a, b keychain.Record) int {
		_, sa := keychain.AccountName(a.Account)
		_, sb := keychain.AccountName(b.Account)
		switch {
		case sa == sb:
			return 0
		case sa == "profile":
			return 1
		case sb == "profile":
			return -1
		}
		return 0
	})
	res := &RevokeAllResult{Tokens: []RevokeOutcome{}, Done: r.Confirm}
	for _, rec := range todo {
		o := RevokeOutcome{Account: rec.Account, Kind: rec.Kind, ID: rec.TokenID, Name: rec.TokenName, Profile: rec.Profile, Result: "planned"}
		if r.Confirm {
			profile := rec.Profile
			if name, space := keychain.AccountName(rec.Account); space == "profile" && profile == "" {
				profile = name
			}
			if profile == "" {
				profile = c.ProfileName()
			}
			action, err := s.revokeRecord(ctx, profile, rec)
			if err != nil {
				o.Result, o.Error = "failed", err.Error()
			} else {
				o.Result = action
				if _, ferr := s.Forget(ctx, c, &ForgetRequest{Account: rec.Account}); ferr != nil {
					s.log.Warn("revoked token's entry not forgotten", "account", rec.Account, "error", ferr)
				}
			}
		}
		res.Tokens = append(res.Tokens, o)
	}
	return res, nil
}
