package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

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
	// SkipSystemTeams drops system teams from a team listing after they
	// arrive (kongctl's --skip-system-teams: the requests are the same).
	SkipSystemTeams bool
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
	if fm == nil {
		return u.Raw, nil
	}
	// kongctl prints the SDK's User: the fields the spec defines, keys
	// sorted; anything else Konnect sends is not shown.
	return fm.render(ctx, output.Me(u))
}

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
	return renderOne(ctx, fm, o.Raw, output.Organization)
}

// ListUsers lists the organization's users.
func (s *Service) ListUsers(ctx context.Context, c Caller, q ListQuery, f *Format) (any, error) {
	return listIdentity(ctx, s, c, q, f, usersListing(f.location()), func(kc *konnect.Client, o konnect.ListOptions) (*konnect.Page[konnect.User], error) {
		return kc.ListUsers(ctx, o)
	}, func(u konnect.User) json.RawMessage { return u.Raw })
}

// ListTeams lists the organization's teams.
func (s *Service) ListTeams(ctx context.Context, c Caller, q ListQuery, f *Format) (any, error) {
	return listIdentity(ctx, s, c, q, f, output.Teams, func(kc *konnect.Client, o konnect.ListOptions) (*konnect.Page[konnect.Team], error) {
		page, err := kc.ListTeams(ctx, o)
		if err == nil && q.SkipSystemTeams {
			page.Items = withoutSystemTeams(page.Items)
		}
		return page, err
	}, func(t konnect.Team) json.RawMessage { return t.Raw })
}

// ListSystemAccounts lists the organization's system accounts.
func (s *Service) ListSystemAccounts(ctx context.Context, c Caller, q ListQuery, f *Format) (any, error) {
	return listIdentity(ctx, s, c, q, f, output.SystemAccounts, func(kc *konnect.Client, o konnect.ListOptions) (*konnect.Page[konnect.SystemAccount], error) {
		o.Op = opListAccounts
		return kc.ListSystemAccounts(ctx, o)
	}, func(a konnect.SystemAccount) json.RawMessage { return a.Raw })
}

// ListAssignedRoles lists the roles assigned to a user, a team or a system
// account.
func (s *Service) ListAssignedRoles(ctx context.Context, c Caller, subject konnect.Subject, q ListQuery, f *Format) (any, error) {
	return s.ListAssignedRolesOf(ctx, c, subject.Kind, IdentityRef{ID: subject.ID}, q, f)
}

// ListAssignedRolesOf is ListAssignedRoles for a subject given by id or
// by kongctl's lookup (a user's email, a team's or account's name).
func (s *Service) ListAssignedRolesOf(ctx context.Context, c Caller, kind konnect.SubjectKind, ref IdentityRef, q ListQuery, f *Format) (any, error) {
	subject := konnect.Subject{Kind: kind, ID: ref.ID}
	switch subject.Kind {
	case konnect.SubjectUser, konnect.SubjectTeam, konnect.SubjectSystemAccount:
	default:
		return nil, invalid("exactly one of --user-id, --team-id or --system-account-id is required")
	}
	if ref.ID == "" && ref.Name == "" && ref.Email == "" {
		return nil, invalid(fmt.Sprintf("the %s id must not be empty", subject.Kind))
	}
	if ref.ID == "" {
		sess, _, err := s.identitySession(ctx, c, f, output.KindGet)
		if err != nil {
			return nil, err
		}
		if subject, err = s.resolveSubject(ctx, sess, kind, ref); err != nil {
			return nil, err
		}
	}
	return listIdentity(ctx, s, c, q, f, rolesListing(subject), func(kc *konnect.Client, o konnect.ListOptions) (*konnect.Page[konnect.AssignedRole], error) {
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
	fm, err := s.prepare(withProfileDefaults(f, sess.Profile), kind, sess.Profile.Name, out)
	if err != nil {
		return nil, nil, err
	}
	if fm != nil && sess.ConfigWarning != "" {
		fm.warnings = append(fm.warnings, sess.ConfigWarning)
	}
	return sess, fm, nil
}

// renderOne answers with the raw object, or with kongctl's output of it.
func renderOne(ctx context.Context, fm *formatter, raw any, listing func(any) output.Listing) (any, error) {
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

// usersListing prints users as kongctl's display records, times in loc.
func usersListing(loc *time.Location) func(any) output.Listing {
	return func(v any) output.Listing {
		items, _ := v.([]json.RawMessage)
		recs := make([]output.UserRecord, 0, len(items))
		for _, raw := range items {
			recs = append(recs, userRecord(raw, loc))
		}
		return output.Users(recs)
	}
}

func userRecord(raw json.RawMessage, loc *time.Location) output.UserRecord {
	var u konnect.User
	_ = json.Unmarshal(raw, &u)
	return output.NewUserRecord(u.ID, u.Email, u.FullName, u.PreferredName, u.Active, u.InferredRegion, u.CreatedAt, u.UpdatedAt, loc)
}

// rolesListing prints a subject's roles as kongctl does: a user's and a
// system account's as records naming the holder, a team's as the API's
// AssignedRole fields.
func rolesListing(subject konnect.Subject) func(any) output.Listing {
	return func(v any) output.Listing {
		items, _ := v.([]json.RawMessage)
		roles := make([]konnect.AssignedRole, 0, len(items))
		for _, raw := range items {
			var r konnect.AssignedRole
			_ = json.Unmarshal(raw, &r)
			roles = append(roles, r)
		}
		switch subject.Kind {
		case konnect.SubjectUser:
			recs := make([]output.UserRoleRecord, 0, len(roles))
			for _, r := range roles {
				recs = append(recs, output.UserRoleRecord{ID: r.ID, UserID: subject.ID, RoleName: r.RoleName,
					EntityID: r.EntityID, EntityTypeName: r.EntityTypeName, EntityRegion: r.EntityRegion})
			}
			return output.AssignedRoles(recs)
		case konnect.SubjectSystemAccount:
			recs := make([]output.SystemAccountRoleRecord, 0, len(roles))
			for _, r := range roles {
				recs = append(recs, output.SystemAccountRoleRecord{ID: r.ID, SystemAccountID: subject.ID, RoleName: r.RoleName,
					EntityID: r.EntityID, EntityTypeName: r.EntityTypeName, EntityRegion: r.EntityRegion})
			}
			return output.SystemAccountRoles(recs)
		}
		recs := make([]output.TeamRole, 0, len(roles))
		for _, r := range roles {
			recs = append(recs, output.TeamRole{ID: r.ID, RoleName: r.RoleName, EntityID: r.EntityID,
				EntityTypeName: r.EntityTypeName, EntityRegion: r.EntityRegion})
		}
		return output.TeamRoles(recs, subject.ID)
	}
}

// withoutSystemTeams is teams less the system ones.
func withoutSystemTeams(teams []konnect.Team) []konnect.Team {
	out := teams[:0:0]
	for _, t := range teams {
		if !t.SystemTeam {
			out = append(out, t)
		}
	}
	return out
}

// withProfileDefaults fills what the request's format leaves out from the
// profile, as kongctl's flags fall back to its config paths:
// jq.default-expression, jq.raw-output, jq.color.enabled, jq.color.theme,
// text.layout and text.id-format.
func withProfileDefaults(f *Format, p *config.Profile) *Format {
	if f == nil || p == nil {
		return f
	}
	ff := *f
	if ff.JQ == nil {
		ff.defaultJQ, _ = p.String(config.KeyJQDefaultExpression)
	}
	if !ff.RawOutput {
		v, _ := p.String(config.KeyJQRawOutput)
		ff.RawOutput, _ = strconv.ParseBool(strings.TrimSpace(v))
	}
	if ff.JQColor == "" {
		ff.JQColor, _ = p.String(config.KeyJQColorEnabled)
	}
	if ff.JQColorTheme == "" {
		ff.JQColorTheme, _ = p.String(config.KeyJQColorTheme)
	}
	if ff.Layout == "" {
		ff.Layout, _ = p.String("text.layout")
	}
	if !ff.FullIDs {
		v, _ := p.String("text.id-format")
		ff.FullIDs = v == "full"
	}
	return &ff
}
