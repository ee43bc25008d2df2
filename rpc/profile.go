package rpc

import (
	"context"

	"github.com/konnectd/konnectd/core"
)

// ProfileMethods: profile/list and profile/get. profile/didChange is sent
// by the daemon (see Server.Broadcast) after each effective config change.
func ProfileMethods(svc *core.Service) []Method {
	return []Method{
		Func("profile/list", func(ctx context.Context, p *ProfileParam) (*core.ProfileList, error) {
			return svc.ListProfiles(ctx, p.caller(ctx))
		}),
		Func("profile/get", func(ctx context.Context, p *ProfileParam) (*core.ProfileInfo, error) {
			return svc.GetProfile(ctx, p.caller(ctx))
		}),
	}
}
