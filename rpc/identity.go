package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/konnect"
)

// IdentityParams are identity/me's and identity/organization's params.
type IdentityParams struct {
	ProfileParam
	Format *core.Format `json:"format,omitempty"`
}

// Filter is the "filter" param: Konnect's query form as a string
// ("filter[full_name][contains]=Cruz&filter[name]=Alex") or the JSON form
// as an object ({"full_name":{"contains":"Cruz"}}). Either way it holds the
// text konnect.ParseFilter reads.
type Filter string

// UnmarshalJSON accepts a string or an object, nothing else.
func (f *Filter) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = Filter(s)
	case len(b) > 0 && b[0] == '{':
		*f = Filter(b)
	default:
		return errors.New(`field "filter" must be a string (filter[field][op]=value&…) or an object ({"field":{"op":value}})`)
	}
	return nil
}

// ListParams are the params of the identity listings.
type ListParams struct {
	ProfileParam
	Filter   Filter       `json:"filter,omitempty"`
	PageSize int          `json:"pageSize,omitempty"`
	Limit    int          `json:"limit,omitempty"`
	Format   *core.Format `json:"format,omitempty"`
}

// Validate checks the filter's syntax and the counts, naming the field.
func (p *ListParams) Validate() error {
	if _, err := konnect.ParseFilter(string(p.Filter)); err != nil {
		return InvalidParams(`field "filter": %v`, err)
	}
	if p.PageSize < 0 {
		return InvalidParams(`field "pageSize" must be at least 1`)
	}
	if p.Limit < 0 {
		return InvalidParams(`field "limit" must not be negative`)
	}
	return nil
}

func (p *ListParams) query(ctx context.Context) core.ListQuery {
	return core.ListQuery{
		Filter:   string(p.Filter),
		PageSize: p.PageSize,
		Limit:    p.Limit,
		Progress: func(done, total int) { Progress(ctx, done, total) },
	}
}

// AssignedRolesParams are identity/listAssignedRoles's params: a listing
// for exactly one subject.
type AssignedRolesParams struct {
	ListParams
	UserID          string `json:"userId,omitempty"`
	TeamID          string `json:"teamId,omitempty"`
	SystemAccountID string `json:"systemAccountId,omitempty"`
}

// Validate requires exactly one subject.
func (p *AssignedRolesParams) Validate() error {
	n := 0
	for _, id := range []string{p.UserID, p.TeamID, p.SystemAccountID} {
		if id != "" {
			n++
		}
	}
	if n != 1 {
		return InvalidParams(`exactly one of "userId", "teamId" or "systemAccountId" is required`)
	}
	return p.ListParams.Validate()
}

func (p *AssignedRolesParams) subject() konnect.Subject {
	switch {
	case p.UserID != "":
		return konnect.Subject{Kind: konnect.SubjectUser, ID: p.UserID}
	case p.TeamID != "":
		return konnect.Subject{Kind: konnect.SubjectTeam, ID: p.TeamID}
	}
	return konnect.Subject{Kind: konnect.SubjectSystemAccount, ID: p.SystemAccountID}
}

// IdentityMethods: identity/me, identity/organization and the listings of
// users, teams, system accounts and assigned roles. Listings send
// $/progress after each page.
func IdentityMethods(svc *core.Service) []Method {
	return []Method{
		Func("identity/me", func(ctx context.Context, p *IdentityParams) (any, error) {
			return svc.Me(ctx, CallerFrom(ctx, p.Profile), p.Format)
		}),
		Func("identity/organization", func(ctx context.Context, p *IdentityParams) (any, error) {
			return svc.Organization(ctx, CallerFrom(ctx, p.Profile), p.Format)
		}),
		Func("identity/listUsers", func(ctx context.Context, p *ListParams) (any, error) {
			return svc.ListUsers(ctx, CallerFrom(ctx, p.Profile), p.query(ctx), p.Format)
		}),
		Func("identity/listTeams", func(ctx context.Context, p *ListParams) (any, error) {
			return svc.ListTeams(ctx, CallerFrom(ctx, p.Profile), p.query(ctx), p.Format)
		}),
		Func("identity/listSystemAccounts", func(ctx context.Context, p *ListParams) (any, error) {
			return svc.ListSystemAccounts(ctx, CallerFrom(ctx, p.Profile), p.query(ctx), p.Format)
		}),
		Func("identity/listAssignedRoles", func(ctx context.Context, p *AssignedRolesParams) (any, error) {
			return svc.ListAssignedRoles(ctx, CallerFrom(ctx, p.Profile), p.subject(), p.query(ctx), p.Format)
		}),
	}
}
