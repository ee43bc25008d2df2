package konnect

import (
	"context"
	"net/http"
	"net/url"
)

// ListSystemAccounts lists system accounts (GET /v3/system-accounts).
func (c *Client) ListSystemAccounts(ctx context.Context, o ListOptions) (*Page[SystemAccount], error) {
	return list[SystemAccount](ctx, c, listSpec{
		call:      call{op: "Failed to list system accounts", method: http.MethodGet, path: "/system-accounts"},
		operation: "get-system-accounts", paged: true,
	}, o)
}

// GetSystemAccount returns one system account.
func (c *Client) GetSystemAccount(ctx context.Context, accountID string) (*SystemAccount, error) {
	var a SystemAccount
	err := c.do(ctx, call{op: "Failed to get System Account", method: http.MethodGet,
		path: "/system-accounts/" + url.PathEscape(accountID)}, &a)
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// CreateSystemAccount creates a system account. Konnect answers 409 when
// the name is taken. It is never retried once it may have been received;
// then the error wraps ErrOutcomeUnknown.
func (c *Client) CreateSystemAccount(ctx context.Context, name, description string) (*SystemAccount, error) {
	var a SystemAccount
	err := c.do(ctx, call{op: "Failed to create system account", method: http.MethodPost, path: "/system-accounts",
		body: map[string]string{"name": name, "description": description}, creates: true}, &a)
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// ListSystemAccountTeams lists the teams a system account belongs to
// (GET /v3/system-accounts/{accountId}/teams).
func (c *Client) ListSystemAccountTeams(ctx context.Context, accountID string, o ListOptions) (*Page[Team], error) {
	return list[Team](ctx, c, listSpec{
		call: call{op: "Failed to list system account teams", method: http.MethodGet,
			path: "/system-accounts/" + url.PathEscape(accountID) + "/teams"},
		operation: "get-system-accounts-accountId-teams", paged: true,
	}, o)
}
