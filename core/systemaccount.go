package core

import (
	"context"
	"strings"

	"github.com/konnectd/konnectd/output"
)

// CreateSystemAccountRequest is systemAccount/create without its profile:
// kongctl's create konnect organization system-account.
type CreateSystemAccountRequest struct {
	Name        string  `json:"name"`
	Description string  `json:"description,omitempty"` // Konnect requires the field; "" is sent when absent
	Format      *Format `json:"format,omitempty"`
}

// CreateSystemAccount creates a system account. Without a format the
// answer is the account as Konnect sent it; with one, kongctl's output
// rules for a listing (json, yaml, text table). Konnect answers 409 for a
// name already taken, and a dropped answer is reported as an unknown
// outcome (the account may exist), never retried.
func (s *Service) CreateSystemAccount(ctx context.Context, c Caller, r *CreateSystemAccountRequest) (any, error) {
	name := strings.TrimSpace(r.Name)
	if err := invalid(required(name, "--name is required")); err != nil {
		return nil, err
	}
	sess, fm, err := s.identitySession(ctx, c, r.Format, output.KindGet)
	if err != nil {
		return nil, err
	}
	a, err := sess.client.CreateSystemAccount(ctx, name, r.Description)
	if err != nil {
		return nil, err
	}
	return renderOne(ctx, fm, a.Raw, output.SystemAccounts)
}
