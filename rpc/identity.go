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
	UserID            string `json:"userId,omitempty"`
	UserEmail         string `json:"userEmail,omitempty"`
	TeamID            string `json:"teamId,omitempty"`
	TeamName          string `json:"teamName,omitempty"`
	SystemAccountID   string `json:"systemAccountId,omitempty"`
	SystemAccountName string `json:"systemAccountName,omitempty"`
}

// Validate requires exactly one subject.
func (p *AssignedRolesParams) Validate() error {
	n := 0
	for _, id := range []string{p.UserID, p.UserEmail, p.TeamID, p.TeamName, p.SystemAccountID, p.SystemAccountName} {
		if id != "" {
			n++
		}
	}
	if n != 1 {
		return InvalidParams(`exactly one of "userId", "userEmail", "teamId", "teamName", "systemAccountId" or "systemAccountName" is required`)
	}
	return p.ListParams.Validate()
}

func (p *AssignedRolesParams) subject() (konnect.SubjectKind, core.IdentityRef) {
	switch {
	case p.UserID != "" || p.UserEmail != "":
		return konnect.SubjectUser, core.IdentityRef{ID: p.UserID, Email: p.UserEmail}
	case p.TeamID != "" || p.TeamName != "":
		return konnect.SubjectTeam, core.IdentityRef{ID: p.TeamID, Name: p.TeamName}
	}
	return konnect.SubjectSystemAccount, core.IdentityRef{ID: p.SystemAccountID, Name: p.SystemAccountName}
}

// AccountTeamsParams are identity/listSystemAccountTeams's: a listing for
// one system account, by id or name.
type AccountTeamsParams struct {
	ListParams
	SystemAccountID   string `json:"systemAccountId,omitempty"`
	SystemAccountName string `json:"systemAccountName,omitempty"`
}

// Validate requires exactly one of the id and the name.
func (p *AccountTeamsParams) Validate() error {
	if (p.SystemAccountID == "") == (p.SystemAccountName == "") {
		return InvalidParams(`exactly one of "systemAccountId" or "systemAccountName" is required`)
	}
	return p.ListParams.Validate()
}

// TeamListParams and TeamGetParams add kongctl's --skip-system-teams.
type TeamListParams struct {
	ListParams
	SkipSystemTeams bool `json:"skipSystemTeams,omitempty"`
}

type TeamGetParams struct {
	GetParams
	SkipSystemTeams bool `json:"skipSystemTeams,omitempty"`
}

// GetParams are identity/getUser's, identity/getTeam's and
// identity/getSystemAccount's: one object by id, or by email (a user) or
// name (a team or system account).
type GetParams struct {
	ProfileParam
	core.IdentityRef
	Format *core.Format `json:"format,omitempty"`
}

// IdentityMethods: identity/me, identity/organization and the listings of
// users, teams, system accounts and assigned roles. Listings send
// $/progress after each page.
func IdentityMethods(svc *core.Service) []Method {
	return []Method{
		Func("identity/me", func(ctx context.Context, p *IdentityParams) (any, error) {
			return svc.Me(ctx, p.caller(ctx), p.Format)
		}),
		Func("identity/organization", func(ctx context.Context, p *IdentityParams) (any, error) {
			return svc.Organization(ctx, p.caller(ctx), p.Format)
		}),
		Func("identity/listUsers", func(ctx context.Context, p *ListParams) (any, error) {
			return svc.ListUsers(ctx, p.caller(ctx), p.query(ctx), p.Format)
		}),
		Func("identity/listTeams", func(ctx context.Context, p *TeamListParams) (any, error) {
			q := p.query(ctx)
			q.SkipSystemTeams = p.SkipSystemTeams
			return svc.ListTeams(ctx, p.caller(ctx), q, p.Format)
		}),
		Func("identity/listSystemAccounts", func(ctx context.Context, p *ListParams) (any, error) {
			return svc.ListSystemAccounts(ctx, p.caller(ctx), p.query(ctx), p.Format)
		}),
		Func("identity/listAssignedRoles", func(ctx context.Context, p *AssignedRolesParams) (any, error) {
			kind, ref := p.subject()
			return svc.ListAssignedRolesOf(ctx, p.caller(ctx), kind, ref, p.query(ctx), p.Format)
		}),
		Func("identity/listSystemAccountTeams", func(ctx context.Context, p *AccountTeamsParams) (any, error) {
			return svc.ListSystemAccountTeams(ctx, p.caller(ctx), core.IdentityRef{ID: p.SystemAccountID, Name: p.SystemAccountName}, p.query(ctx), p.Format)
		}),
		Func("identity/getUser", func(ctx context.Context, p *GetParams) (any, error) {
			return svc.GetUser(ctx, p.caller(ctx), p.IdentityRef, p.Format)
		}),
		Func("identity/getTeam", func(ctx context.Context, p *TeamGetParams) (any, error) {
			return svc.GetTeamSkipping(ctx, p.caller(ctx), p.IdentityRef, p.SkipSystemTeams, p.Format)
		}),
		Func("identity/getSystemAccount", func(ctx context.Context, p *GetParams) (any, error) {
			return svc.GetSystemAccount(ctx, p.caller(ctx), p.IdentityRef, p.Format)
		}),
	}
}
