package rpc

import (
	"context"
	"time"

	"github.com/konnectd/konnectd/core"
)

// AuditListParams are audit/list's params.
type AuditListParams struct {
	// Since keeps events at or after it: RFC 3339, or a Go duration back
	// from now ("24h").
	Since string `json:"since,omitempty"`
}

// AuditMethods: audit/list reads the audit log (no secrets are in it), for
// the daemon's own user only.
func AuditMethods(svc *core.Service) []Method {
	return []Method{
		Func("audit/list", func(ctx context.Context, p *AuditListParams) (*core.AuditList, error) {
			if _, err := requireOwner(ctx); err != nil {
				return nil, err
			}
			var since time.Time
			if p.Since != "" {
				if d, err := time.ParseDuration(p.Since); err == nil {
					since = svc.Now().Add(-d)
				} else if t, err := time.Parse(time.RFC3339Nano, p.Since); err == nil {
					since = t
				} else {
					return nil, InvalidParams("since: %q is neither a duration (24h) nor an RFC 3339 time", p.Since)
				}
			}
			return svc.ReadAudit(ctx, since)
		}),
	}
}
