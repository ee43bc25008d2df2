package core

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/output"
)

// opListAccounts is kongctl's phrase for a failed system account listing
// in its get commands (create spat's lookup says "system accounts").
const opListAccounts = "Failed to list System Accounts"

// IdentityRef picks one user, team or system account: by ID, or by what
// kongctl looks it up by (a user's email, a team's or account's name).
type IdentityRef struct {
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

func (r IdentityRef) problem(what, by string) error {
	n := 0
	for _, v := range []string{r.ID, r.Name, r.Email} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		return invalid(fmt.Sprintf("exactly one %s id or %s is required", what, by))
	}
	return nil
}

// GetUser is kongctl's get organization user <id|email>: by id one
// request; by email the users are listed page by page and compared
// without regard to case, as kongctl does.
func (s *Service) GetUser(ctx context.Context, c Caller, r IdentityRef, f *Format) (any, error) {
	if r.Name != "" || r.problem("user", "email") != nil {
		return nil, invalid("exactly one user id or email is required")
	}
	sess, fm, err := s.identitySession(ctx, c, f, output.KindGet)
	if err != nil {
		return nil, err
	}
	u, err := s.findUser(ctx, sess, r)
	if err != nil {
		return nil, err
	}
	if fm == nil {
		return u.Raw, nil
	}
	return fm.render(ctx, output.Users(userRecord(u.Raw, f.location())))
}

func (s *Service) findUser(ctx context.Context, sess *Session, r IdentityRef) (*konnect.User, error) {
	if r.ID != "" {
		return sess.client.GetUser(ctx, r.ID)
	}
	size, err := sess.Profile.PageSize()
	if err != nil {
		return nil, &ProfileError{Err: err}
	}
	page, err := sess.client.ListUsers(ctx, konnect.ListOptions{PageSize: size})
	if err != nil {
		return nil, err
	}
	var found []konnect.User
	for _, u := range page.Items {
		if strings.EqualFold(u.Email, r.Email) {
			found = append(found, u)
		}
	}
	switch len(found) {
	case 0:
		return nil, &LookupError{Kind: "not_found", Msg: fmt.Sprintf("organization user with email %q not found", r.Email)}
	case 1:
		return &found[0], nil
	}
	return nil, &LookupError{Kind: "ambiguous", Msg: fmt.Sprintf("organization user email %q matched %d users; use user ID", r.Email, len(found))}
}

// GetTeam is kongctl's get organization team <id|name>: by id the team;
// by name every team of that name (filter[name][eq]), printed as a list.
func (s *Service) GetTeam(ctx context.Context, c Caller, r IdentityRef, f *Format) (any, error) {
	return s.GetTeamSkipping(ctx, c, r, false, f)
}

// GetTeamSkipping is GetTeam with kongctl's --skip-system-teams: by name,
// system teams do not count as matches.
func (s *Service) GetTeamSkipping(ctx context.Context, c Caller, r IdentityRef, skipSystem bool, f *Format) (any, error) {
	if r.Email != "" || r.problem("team", "name") != nil {
		return nil, invalid("exactly one team id or name is required")
	}
	sess, fm, err := s.identitySession(ctx, c, f, output.KindGet)
	if err != nil {
		return nil, err
	}
	if r.ID != "" {
		t, err := sess.client.GetTeam(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		return renderOne(ctx, fm, t.Raw, output.Teams)
	}
	teams, err := s.teamsNamed(ctx, sess, r.Name, skipSystem)
	if err != nil {
		return nil, err
	}
	items := make([]json.RawMessage, 0, len(teams))
	for _, t := range teams {
		items = append(items, t.Raw)
	}
	return renderOne(ctx, fm, items, output.Teams)
}

func (s *Service) teamsNamed(ctx context.Context, sess *Session, name string, skipSystem bool) ([]konnect.Team, error) {
	size, err := sess.Profile.PageSize()
	if err != nil {
		return nil, &ProfileError{Err: err}
	}
	page, err := sess.client.ListTeams(ctx, konnect.ListOptions{PageSize: size,
		Filter: konnect.Filter{{Field: "name", Op: konnect.OpEq, Value: name}}})
	if err != nil {
		return nil, err
	}
	items := page.Items
	if skipSystem {
		items = withoutSystemTeams(items)
	}
	if len(items) == 0 {
		return nil, &LookupError{Kind: "not_found", Msg: fmt.Sprintf("organization_team with name %s not found", name)}
	}
	return items, nil
}

// GetSystemAccount is kongctl's get organization system-account
// <id|name>: one account, by id or by name (filter[name][eq]).
func (s *Service) GetSystemAccount(ctx context.Context, c Caller, r IdentityRef, f *Format) (any, error) {
	if r.Email != "" || r.problem("system account", "name") != nil {
		return nil, invalid("exactly one system account id or name is required")
	}
	sess, fm, err := s.identitySession(ctx, c, f, output.KindGet)
	if err != nil {
		return nil, err
	}
	var a *konnect.SystemAccount
	if r.ID != "" {
		a, err = sess.client.GetSystemAccount(ctx, r.ID)
	} else {
		var all []konnect.SystemAccount
		all, err = s.accountsNamed(ctx, sess, r.Name)
		if err == nil && len(all) == 0 {
			err = &LookupError{Kind: "not_found", Msg: fmt.Sprintf("system account with name %q not found; check --name", r.Name)}
		}
		if err == nil {
			a = &all[0]
		}
	}
	if err != nil {
		return nil, err
	}
	return renderOne(ctx, fm, a.Raw, output.SystemAccounts)
}

func (s *Service) accountsNamed(ctx context.Context, sess *Session, name string) ([]konnect.SystemAccount, error) {
	size, err := sess.Profile.PageSize()
	if err != nil {
		return nil, &ProfileError{Err: err}
	}
	page, err := sess.client.ListSystemAccounts(ctx, konnect.ListOptions{PageSize: size, Op: opListAccounts,
		Filter: konnect.Filter{{Field: "name", Op: konnect.OpEq, Value: name}}})
	if err != nil {
		return nil, err
	}
	return page.Items, nil
}

// ResolveSubject turns kongctl's --user-email, --team-name and
// --system-account-name into the subject's id, with kongctl's lookups and
// messages; a subject given by id is returned as it is, unchecked.
func (s *Service) resolveSubject(ctx context.Context, sess *Session, kind konnect.SubjectKind, r IdentityRef) (konnect.Subject, error) {
	sub := konnect.Subject{Kind: kind, ID: r.ID}
	if r.ID != "" {
		return sub, nil
	}
	switch kind {
	case konnect.SubjectUser:
		u, err := s.findUser(ctx, sess, r)
		if err != nil {
			return sub, err
		}
		if u.ID == "" {
			return sub, &LookupError{Kind: "no_id", Msg: fmt.Sprintf("organization user %q has no ID", r.Email)}
		}
		sub.ID = u.ID
	case konnect.SubjectTeam:
		teams, err := s.teamsNamed(ctx, sess, r.Name, false)
		if err != nil {
			return sub, err
		}
		if len(teams) > 1 {
			return sub, &LookupError{Kind: "ambiguous", Msg: fmt.Sprintf("organization team name %q matched %d teams; use --team-id", r.Name, len(teams))}
		}
		if teams[0].ID == "" {
			return sub, &LookupError{Kind: "no_id", Msg: fmt.Sprintf("organization team %q has no ID", r.Name)}
		}
		sub.ID = teams[0].ID
	case konnect.SubjectSystemAccount:
		all, err := s.accountsNamed(ctx, sess, r.Name)
		if err != nil {
			return sub, err
		}
		switch {
		case len(all) == 0:
			return sub, &LookupError{Kind: "not_found", Msg: fmt.Sprintf("system account with name %q not found; check --system-account-name", r.Name)}
		case len(all) > 1:
			return sub, &LookupError{Kind: "ambiguous", Msg: fmt.Sprintf("system account name %q matched multiple system accounts", r.Name)}
		case all[0].ID == "":
			return sub, &LookupError{Kind: "no_id", Msg: fmt.Sprintf("system account %q has no ID", r.Name)}
		}
		sub.ID = all[0].ID
	}
	return sub, nil
}

// ListSystemAccountTeams is kongctl's get organization system-account
// teams: the teams a system account belongs to
// (GET /v3/system-accounts/{id}/teams), as records naming the account.
func (s *Service) ListSystemAccountTeams(ctx context.Context, c Caller, r IdentityRef, q ListQuery, f *Format) (any, error) {
	if r.Email != "" || r.problem("system account", "name") != nil {
		return nil, invalid("one of --system-account-id or --system-account-name is required")
	}
	sub := konnect.Subject{Kind: konnect.SubjectSystemAccount, ID: r.ID}
	if r.ID == "" {
		sess, _, err := s.identitySession(ctx, c, f, output.KindGet)
		if err != nil {
			return nil, err
		}
		if sub, err = s.resolveSubject(ctx, sess, konnect.SubjectSystemAccount, r); err != nil {
			return nil, err
		}
	}
	return listIdentity(ctx, s, c, q, f, func(v any) output.Listing {
		items, _ := v.([]json.RawMessage)
		recs := make([]output.SystemAccountTeamRecord, 0, len(items))
		for _, raw := range items {
			var t konnect.Team
			_ = json.Unmarshal(raw, &t)
			recs = append(recs, output.SystemAccountTeamRecord{ID: t.ID, SystemAccountID: sub.ID, Name: t.Name})
		}
		return output.SystemAccountTeams(recs)
	}, func(kc *konnect.Client, o konnect.ListOptions) (*konnect.Page[konnect.Team], error) {
		return kc.ListSystemAccountTeams(ctx, sub.ID, o)
	}, func(t konnect.Team) json.RawMessage { return t.Raw })
}
