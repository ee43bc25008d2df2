package konnect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/konnectd/konnectd/internal/redact"
)

func patPath(userID string) string { return "/users/" + url.PathEscape(userID) + "/access-tokens" }

func spatPath(accountID string) string {
	return "/system-accounts/" + url.PathEscape(accountID) + "/access-tokens"
}

// ListPATs lists a user's personal access tokens. The operation takes no
// query parameters, so the whole filter runs locally.
func (c *Client) ListPATs(ctx context.Context, userID string, o ListOptions) (*Page[PAT], error) {
	return list[PAT](ctx, c, listSpec{
		call:      call{op: "Failed to list personal access tokens", method: http.MethodGet, path: patPath(userID)},
		operation: "list-users-personal-access-tokens",
	}, o)
}

// CreatePAT mints a personal access token; the secret is in the answer and
// nowhere else, ever. The request is never retried once it may have reached
// Konnect (the error then wraps ErrOutcomeUnknown), except after a 429,
// which says it was turned away unprocessed.
func (c *Client) CreatePAT(ctx context.Context, userID string, r PATRequest) (*PATCreated, error) {
	const op = "Failed to create personal access token"
	if (r.TTLSeconds != 0) == (r.ExpiresAt != "") {
		return nil, errors.New(op + ": exactly one of ttl_seconds or expires_at is required")
	}
	var p PATCreated
	err := c.do(ctx, call{op: op, method: http.MethodPost, path: patPath(userID), body: r, creates: true}, &p)
	registerCreated(p.Token)
	if err != nil {
		return nil, err
	}
	if p.Token == "" {
		return nil, missingSecret(op, p.ID)
	}
	return &p, nil
}

// GetPAT returns one PAT's metadata.
func (c *Client) GetPAT(ctx context.Context, userID, tokenID string) (*PAT, error) {
	var p PAT
	err := c.do(ctx, call{op: "Failed to get personal access token", method: http.MethodGet,
		path: patPath(userID) + "/" + url.PathEscape(tokenID)}, &p)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// DeletePAT deletes a PAT.
func (c *Client) DeletePAT(ctx context.Context, userID, tokenID string) error {
	return c.do(ctx, call{op: "Failed to delete personal access token", method: http.MethodDelete,
		path: patPath(userID) + "/" + url.PathEscape(tokenID)}, nil)
}

// RevokePAT revokes a PAT and returns its new state.
func (c *Client) RevokePAT(ctx context.Context, userID, tokenID string) (*PAT, error) {
	var p PAT
	err := c.do(ctx, call{op: "Failed to revoke personal access token", method: http.MethodPatch,
		path: patPath(userID) + "/" + url.PathEscape(tokenID) + "/revoke"}, &p)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// ListSPATs lists a system account's access tokens.
func (c *Client) ListSPATs(ctx context.Context, accountID string, o ListOptions) (*Page[SPAT], error) {
	return list[SPAT](ctx, c, listSpec{
		call:      call{op: "Failed to list system account access tokens", method: http.MethodGet, path: spatPath(accountID)},
		operation: "get-system-account-id-access-tokens", paged: true,
	}, o)
}

// CreateSPAT mints a system account access token expiring at expiresAt
// (Konnect takes no TTL here). Retry rules are CreatePAT's.
func (c *Client) CreateSPAT(ctx context.Context, accountID, name string, expiresAt time.Time) (*SPATCreated, error) {
	var s SPATCreated
	body := map[string]string{"name": name, "expires_at": expiresAt.UTC().Format(time.RFC3339Nano)}
	err := c.do(ctx, call{op: "Failed to create system account access token", method: http.MethodPost,
		path: spatPath(accountID), body: body, creates: true}, &s)
	registerCreated(s.Token)
	if err != nil {
		return nil, err
	}
	if s.Token == "" {
		return nil, missingSecret("Failed to create system account access token", s.ID)
	}
	return &s, nil
}

// GetSPAT returns one SPAT's metadata.
func (c *Client) GetSPAT(ctx context.Context, accountID, tokenID string) (*SPAT, error) {
	var s SPAT
	err := c.do(ctx, call{op: "Failed to get system account access token", method: http.MethodGet,
		path: spatPath(accountID) + "/" + url.PathEscape(tokenID)}, &s)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// DeleteSPAT deletes a SPAT.
func (c *Client) DeleteSPAT(ctx context.Context, accountID, tokenID string) error {
	return c.do(ctx, call{op: "Failed to delete system account access token", method: http.MethodDelete,
		path: spatPath(accountID) + "/" + url.PathEscape(tokenID)}, nil)
}

// registerCreated registers a new token's secret with redact the moment it
// is parsed out of a 201, before anything (a keychain write, rendering, a
// --jq) can put it or a transform of it into an error or a log line.
func registerCreated(secret string) {
	if secret != "" {
		redact.Register(secret)
	}
}

// missingSecret is a create that succeeded without the secret in its
// answer: the token exists, but nobody will ever see its value. It wraps
// ErrOutcomeUnknown so callers give the same "look before you create
// another" advice; deleting the token is the way out.
func missingSecret(op, id string) error {
	return outcomeUnknown(op, fmt.Sprintf("Konnect answered without the token's secret (the token %q exists and can only be deleted)", id))
}
