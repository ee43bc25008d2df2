package rpc

import (
	"context"
	"time"

	"github.com/konnectd/konnectd/core"
)

// TestClockParams are test/clock's params: how far to move the clock.
type TestClockParams struct {
	Advance string `json:"advance"` // a Go duration, e.g. "36h"
}

// TestClockMethods is test/clock, served only by `konnectd serve
// --test-clock` (a hidden flag for tests): it moves the daemon's clock and
// makes the expiry watch and pending revocations look again.
func TestClockMethods(clock *core.TestClock, svc *core.Service) []Method {
	return []Method{
		Func("test/clock", func(ctx context.Context, p *TestClockParams) (map[string]string, error) {
			d, err := time.ParseDuration(p.Advance)
			if err != nil {
				return nil, &Error{Code: CodeInvalidParams, Message: "advance: " + err.Error()}
			}
			now := clock.Advance(d)
			svc.Kick()
			return map[string]string{"now": now.UTC().Format(time.RFC3339Nano)}, nil
		}),
	}
}
