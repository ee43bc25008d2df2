package rpc

import (
	"context"

	"github.com/konnectd/konnectd/core"
)

// LoginParams are auth/login's params.
type LoginParams struct {
	ProfileParam
	Token string `json:"token"`
}

// Validate requires a token without echoing it anywhere.
func (p *LoginParams) Validate() error {
	if p.Token == "" {
		return InvalidParams(`field "token" is required`)
	}
	return nil
}

// LogoutParams are auth/logout's params: revoke first revokes the
// profile's token in Konnect (when its id is known).
type LogoutParams struct {
	ProfileParam
	Revoke bool `json:"revoke,omitempty"`
}

// AuthMethods: auth/login, auth/logout, auth/status, auth/import.
func AuthMethods(svc *core.Service) []Method {
	return []Method{
		Func("auth/login", func(ctx context.Context, p *LoginParams) (*core.LoginResult, error) {
			return svc.Login(ctx, p.caller(ctx), p.Token)
		}),
		Func("auth/logout", func(ctx context.Context, p *LogoutParams) (*core.LogoutResult, error) {
			return svc.LogoutRevoke(ctx, p.caller(ctx), p.Revoke)
		}),
		Func("auth/status", func(ctx context.Context, p *ProfileParam) (*core.AuthStatus, error) {
			return svc.Status(ctx, p.caller(ctx))
		}),
		Func("auth/import", func(ctx context.Context, p *ProfileParam) (*core.ImportResult, error) {
			return svc.Import(ctx, p.caller(ctx))
		}),
	}
}
