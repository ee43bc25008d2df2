package rpc

import (
	"context"

	"github.com/konnectd/konnectd/core"
)

// The token family's params: the core's requests plus the profile. Every
// field is validated by the core, which reports all missing ones at once in
// kongctl's words (-32050), so Validate hooks are not used here.
type (
	CreatePersonalParams struct {
		ProfileParam
		core.CreatePATRequest
	}
	CreateSystemAccountTokenParams struct {
		ProfileParam
		core.CreateSPATRequest
	}
	ListTokensParams struct {
		ProfileParam
		core.ListTokensRequest
	}
	DeleteTokenParams struct {
		ProfileParam
		core.DeleteTokenRequest
	}
	RotateTokenParams struct {
		ProfileParam
		core.RotateTokenRequest
	}
	RevokeAllParams struct {
		ProfileParam
		core.RevokeAllRequest
	}
	QuotaParams struct {
		ProfileParam
		core.QuotaRequest
	}
	CreateSystemAccountParams struct {
		ProfileParam
		core.CreateSystemAccountRequest
	}
)

// TokenMethods: token/createPersonal, token/createSystemAccount,
// token/list, token/delete, token/rotate and systemAccount/create.
func TokenMethods(svc *core.Service) []Method {
	return []Method{
		Func("token/createPersonal", func(ctx context.Context, p *CreatePersonalParams) (any, error) {
			return svc.CreatePersonalToken(handoff(ctx), p.caller(ctx), &p.CreatePATRequest)
		}),
		Func("token/createSystemAccount", func(ctx context.Context, p *CreateSystemAccountTokenParams) (any, error) {
			return svc.CreateSystemAccountToken(handoff(ctx), p.caller(ctx), &p.CreateSPATRequest)
		}),
		Func("token/list", func(ctx context.Context, p *ListTokensParams) (any, error) {
			return svc.ListTokens(ctx, p.caller(ctx), &p.ListTokensRequest)
		}),
		Func("token/delete", func(ctx context.Context, p *DeleteTokenParams) (any, error) {
			return svc.DeleteToken(ctx, p.caller(ctx), &p.DeleteTokenRequest)
		}),
		Func("token/rotate", func(ctx context.Context, p *RotateTokenParams) (any, error) {
			return svc.RotateToken(handoff(ctx), p.caller(ctx), &p.RotateTokenRequest)
		}),
		Func("token/quota", func(ctx context.Context, p *QuotaParams) (*core.PATQuota, error) {
			return svc.Quota(ctx, p.caller(ctx), &p.QuotaRequest)
		}),
		Func("token/revokeAll", func(ctx context.Context, p *RevokeAllParams) (*core.RevokeAllResult, error) {
			return svc.RevokeAll(ctx, p.caller(ctx), &p.RevokeAllRequest)
		}),
		Func("token/pending", func(ctx context.Context, _ *NoParams) ([]core.PendingRevocation, error) {
			return svc.PendingRevocations(ctx)
		}),
		Func("systemAccount/create", func(ctx context.Context, p *CreateSystemAccountParams) (any, error) {
			return svc.CreateSystemAccount(ctx, p.caller(ctx), &p.CreateSystemAccountRequest)
		}),
	}
}

// handoff ties the core's Handoff for a new token's secret to this
// request's reply: if the reply cannot be written, the core keeps the
// secret in the keychain (recovered:<id>) instead of losing it with the
// connection.
func handoff(ctx context.Context) context.Context {
	ctx, h := core.WithHandoff(ctx)
	OnReplyFailed(ctx, h.Failed)
	return ctx
}
