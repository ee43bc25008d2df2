package konnect

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// Me returns the user the token belongs to (GET /v3/users/me). Konnect
// refuses a system account token here.
func (c *Client) Me(ctx context.Context) (*User, error) {
	var u User
	if err := c.do(ctx, call{op: "Failed to get current user", method: http.MethodGet, path: "/users/me"}, &u); err != nil {
		return nil, err
	}
	if u.ID == "" {
		return nil, errors.New("Failed to get current user: current user response did not include an id")
	}
	return &u, nil
}

// Organization returns the token's organization (GET /v3/organizations/me).
func (c *Client) Organization(ctx context.Context) (*Organization, error) {
	var o Organization
	err := c.do(ctx, call{op: "Failed to get current organization", method: http.MethodGet, path: "/organizations/me"}, &o)
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// ListUsers lists the organization's users (GET /v3/users).
func (c *Client) ListUsers(ctx context.Context, o ListOptions) (*Page[User], error) {
	return list[User](ctx, c, listSpec{
		call:      call{op: "Failed to list organization users", method: http.MethodGet, path: "/users"},
		operation: "list-users", paged: true,
	}, o)
}

// GetUser returns one user (GET /v3/users/{userId}).
func (c *Client) GetUser(ctx context.Context, userID string) (*User, error) {
	var u User
	err := c.do(ctx, call{op: "Failed to get organization user", method: http.MethodGet, path: "/users/" + url.PathEscape(userID)}, &u)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// ListTeams lists the organization's teams (GET /v3/teams).
func (c *Client) ListTeams(ctx context.Context, o ListOptions) (*Page[Team], error) {
	return list[Team](ctx, c, listSpec{
		call:      call{op: "Failed to list Teams", method: http.MethodGet, path: "/teams"},
		operation: "list-teams", paged: true,
	}, o)
}

// GetTeam returns one team (GET /v3/teams/{teamId}).
func (c *Client) GetTeam(ctx context.Context, teamID string) (*Team, error) {
	var t Team
	err := c.do(ctx, call{op: "Failed to get Team", method: http.MethodGet, path: "/teams/" + url.PathEscape(teamID)}, &t)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// SubjectKind says who holds assigned roles.
type SubjectKind string

// The three kinds of role holder.
const (
	SubjectUser          SubjectKind = "user"
	SubjectTeam          SubjectKind = "team"
	SubjectSystemAccount SubjectKind = "system-account"
)

// Subject is a user, team or system account, by ID.
type Subject struct {
	Kind SubjectKind
	ID   string
}

// ListAssignedRoles lists the roles assigned to a subject. None of the
// three operations takes paging parameters: one request answers.
func (c *Client) ListAssignedRoles(ctx context.Context, s Subject, o ListOptions) (*Page[AssignedRole], error) {
	// kongctl's phrases, one per holder.
	ls := listSpec{call: call{method: http.MethodGet}}
	switch s.Kind {
	case SubjectUser:
		ls.path, ls.operation, ls.op = "/users/"+url.PathEscape(s.ID)+"/assigned-roles", "list-user-roles", "Failed to list organization user roles"
	case SubjectTeam:
		ls.path, ls.operation, ls.op = "/teams/"+url.PathEscape(s.ID)+"/assigned-roles", "list-team-roles", "Failed to list organization team roles"
	case SubjectSystemAccount:
		ls.path, ls.operation, ls.op = "/system-accounts/"+url.PathEscape(s.ID)+"/assigned-roles",
			"get-system-accounts-accountId-assigned-roles", "Failed to list system account roles"
	default:
		return nil, errors.New("Failed to list assigned roles: subject kind must be user, team or system-account")
	}
	return list[AssignedRole](ctx, c, ls, o)
}
