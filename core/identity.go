package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/output"
)

// ListQuery shapes an identity listing: kongctl's --filter, --page-size
// and a limit, plus a progress callback for callers that show one.
type ListQuery struct {
	// Filter is Konnect's query form (filter[full_name][contains]=Cruz&…)
	// or the JSON form ({"full_name":{"contains":"Cruz"}}); see
	// konnect.ParseFilter. Conditions the operation cannot take are
	// evaluated by konnectd, with the same rules.
	Filter string
	// PageSize is page[size]; 0 means the profile's konnect.page-size
	// (kongctl's default, 10). Ignored by assigned-role listings, which
	// Konnect does not page.
	PageSize int
	// Limit stops after this many matching items; 0 means all.
	Limit int
	// Progress, when set, hears how many items have arrived out of
	// Konnect's total after each page. Calls are serialized.
	Progress func(done, total int)
}

// List is the answer of an identity listing without a format: the items
// exactly as Konnect sent them, in Konnect's order, with counts.
type List struct {
	Data []json.RawMessage `json:"data"`
	Meta ListMeta          `json:"meta"`
}

// ListMeta counts a listing. Total is Konnect's meta.page.total for the
// query konnectd sent; when some conditions ran locally (LocalFilter), it
// counts candidates, not matches.
type ListMeta struct {
	Total       int    `json:"total"`
	Returned    int    `json:"returned"`
	LocalFilter string `json:"local_filter,omitempty"`
	// Warnings explain an answer that may not be what was meant: a
	// filter on a field none of the candidates has (see unseenWarnings).
	Warnings []string `json:"warnings,omitempty"`
}

// Me is kongctl's get me: the token's user. Without a format the answer is
// the raw user object; with one, kongctl's output (json and yaml with keys
// sorted, --jq only with an explicit -o json|yaml).
func (s *Service) Me(ctx context.Context, c Caller, f *Format) (any, error) {
	sess, fm, err := s.identitySession(ctx, c, f, output.KindGetMe)
	if err != nil {
		return nil, err
	}
	u, err := sess.client.Me(ctx)
	if err != nil {
		return nil, err
	}
	return renderOne(ctx, fm, u.Raw, output.Me)
}

// organizationColumns is konnectd's text table for get organization, in
// the pattern of kongctl's other listings (identifying fields, ID last).
var organizationColumns = []output.Column{{Header: "NAME", Field: "name"}, {Header: "STATE", Field: "state"}, {Header: "LOGIN PATH", Field: "login_path"}, {Header: "ID", Field: "id"}}

// Organization is the token's organization, printed like get me.
func (s *Service) Organization(ctx context.Context, c Caller, f *Format) (any, error) {
	sess, fm, err := s.identitySession(ctx, c, f, output.KindGetMe)
	if err != nil {
		return nil, err
	}
	o, err := sess.client.Organization(ctx)
	if err != nil {
		return nil, err
	}
	return renderOne(ctx, fm, o.Raw, func(v any) output.Listing {
		return output.Listing{Columns: organizationColumns, Value: v, SortKeys: true}
	})
}

// ListUsers lists the organization's users.
func (s *Service) ListUsers(ctx context.Context, c Caller, q ListQuery, f *Format) (any, error) {
	return listIdentity(ctx, s, c, q, f, output.Users, func(kc *konnect.Client, o konnect.ListOptions) (*konnect.Page[konnect.User], error) {
		return kc.ListUsers(ctx, o)
	}, func(u konnect.User) json.RawMessage { return u.Raw })
}

// ListTeams lists the organization's teams.
func (s *Service) ListTeams(ctx context.Context, c Caller, q ListQuery, f *Format) (any, error) {
	return listIdentity(ctx, s, c, q, f, output.Teams, func(kc *konnect.Client, o konnect.ListOptions) (*konnect.Page[konnect.Team], error) {
		return kc.ListTeams(ctx, o)
	}, func(t konnect.Team) json.RawMessage { return t.Raw })
}

// ListSystemAccounts lists the organization's system accounts.
func (s *Service) ListSystemAccounts(ctx context.Context, c Caller, q ListQuery, f *Format) (any, error) {
	return listIdentity(ctx, s, c, q, f, output.SystemAccounts, func(kc *konnect.Client, o konnect.ListOptions) (*konnect.Page[konnect.SystemAccount], error) {
		return kc.ListSystemAccounts(ctx, o)
	}, func(a konnect.SystemAccount) json.RawMessage { return a.Raw })
}

// ListAssignedRoles lists the roles assigned to a user, a team or a system
// account.
func (s *Service) ListAssignedRoles(ctx context.Context, c Caller, subject konnect.Subject, q ListQuery, f *Format) (any, error) {
	switch subject.Kind {
	case konnect.SubjectUser, konnect.SubjectTeam, konnect.SubjectSystemAccount:
	default:
		return nil, invalid("exactly one of --user-id, --team-id or --system-account-id is required")
	}
	if subject.ID == "" {
		return nil, invalid(fmt.Sprintf("the %s id must not be empty", subject.Kind))
	}
	return listIdentity(ctx, s, c, q, f, output.AssignedRoles, func(kc *konnect.Client, o konnect.ListOptions) (*konnect.Page[konnect.AssignedRole], error) {
		return kc.ListAssignedRoles(ctx, subject, o)
	}, func(r konnect.AssignedRole) json.RawMessage { return r.Raw })
}

// identitySession resolves the caller's credential and checks the format,
// in that order and both before Konnect is called.
func (s *Service) identitySession(ctx context.Context, c Caller, f *Format, kind output.Kind) (*Session, *formatter, error) {
	sess, err := s.Resolve(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	out, _ := sess.Profile.String(config.KeyOutput)
	fm, err := s.prepare(f, kind, sess.Profile.Name, out)
	if err != nil {
		return nil, nil, err
	}
	if fm != nil && sess.ConfigWarning != "" {
		fm.warnings = append(fm.warnings, sess.ConfigWarning)
	}
	return sess, fm, nil
}

// renderOne answers with the raw object, or with kongctl's output of it.
func renderOne(ctx context.Context, fm *formatter, raw json.RawMessage, listing func(any) output.Listing) (any, error) {
	if fm == nil {
		return raw, nil
	}
	return fm.render(ctx, listing(raw))
}

// listIdentity is every identity listing: the query is checked, the
// session resolved and the format prepared before the first request; the
// pages come back as raw objects. With a format the items alone are
// rendered (kongctl prints the list, not an envelope).
func listIdentity[T any](ctx context.Context, s *Service, c Caller, q ListQuery, f *Format,
	listing func(any) output.Listing,
	fetch func(*konnect.Client, konnect.ListOptions) (*konnect.Page[T], error),
	raw func(T) json.RawMessage) (any, error) {
	var problems []string
	filter, err := konnect.ParseFilter(q.Filter)
	if err != nil {
		problems = append(problems, err.Error())
	}
	if q.PageSize < 0 {
		problems = append(problems, fmt.Sprintf("page size must be at least 1, got %d", q.PageSize))
	}
	if q.Limit < 0 {
		problems = append(problems, fmt.Sprintf("limit must not be negative, got %d", q.Limit))
	}
	if err := invalid(problems...); err != nil {
		return nil, err
	}
	sess, fm, err := s.identitySession(ctx, c, f, output.KindGet)
	if err != nil {
		return nil, err
	}
	size := q.PageSize
	if size == 0 {
		if size, err = sess.Profile.PageSize(); err != nil {
			return nil, &ProfileError{Err: err}
		}
	}
	page, err := fetch(sess.client, konnect.ListOptions{Filter: filter, PageSize: size, Limit: q.Limit, Progress: q.Progress})
	if err != nil {
		var fte *konnect.FilterTypeError
		if errors.As(err, &fte) {
			// The caller's filter, not Konnect, is at fault.
			return nil, invalid(fte.Error())
		}
		return nil, err
	}
	items := make([]json.RawMessage, 0, len(page.Items))
	for _, it := range page.Items {
		items = append(items, raw(it))
	}
	warnings := unseenWarnings(page.Unseen)
	if fm != nil {
		res, err := fm.render(ctx, listing(items))
		if t, ok := res.(Text); ok {
			t.Warnings = append(t.Warnings, warnings...)
			res = t
		}
		return res, err
	}
	if sess.ConfigWarning != "" {
		warnings = append(warnings, sess.ConfigWarning)
	}
	l := &List{Data: items, Meta: ListMeta{Total: page.Total, Returned: len(items), Warnings: warnings}}
	if len(page.Local) > 0 {
		l.Meta.LocalFilter = page.Local.String()
	}
	return l, nil
}

// unseenWarnings words konnect.Page.Unseen for people: Konnect refuses a
// filter on a field it does not know, but konnectd evaluates what Konnect
// cannot filter on itself, and a misspelt field there just matches
// nothing. Without a word, "No resources found." would look like an
// answer.
func unseenWarnings(fields []string) []string {
	var out []string
	for _, f := range fields {
		out = append(out, fmt.Sprintf("filter field %q: none of the items Konnect returned has it, so the filter matched nothing; check its name", f))
	}
	return out
}
