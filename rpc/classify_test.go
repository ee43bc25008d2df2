package rpc

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/konnectd/konnectd/konnect"
)

// TestKonnectErrorsMapToCodes: a call past --konnect-timeout is Konnect
// not reached (-32010, status 0); a create whose answer was a 5xx is an
// unknown outcome (-32011), not a Konnect error.
func TestKonnectErrorsMapToCodes(t *testing.T) {
	ctx := context.Background()
	e := classify(ctx, fmt.Errorf("Failed to get current user: %w", &konnect.TimeoutError{After: 30 * time.Second}))
	if e.Code != CodeKonnect || fmt.Sprint(e.Data) != "map[status:0]" {
		t.Errorf("timeout: %d %v", e.Code, e.Data)
	}
	e = classify(ctx, fmt.Errorf("Failed to create personal access token: Konnect answered 502 Bad Gateway; %w", konnect.ErrOutcomeUnknown))
	if e.Code != CodeOutcomeUnknown {
		t.Errorf("5xx on a create: %d", e.Code)
	}
}
