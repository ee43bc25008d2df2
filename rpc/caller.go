package rpc

import (
	"context"
	"os"
	"strings"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/core"
)

// ProfileParam is embedded in the params of every method that acts for a
// profile.
type ProfileParam struct {
	Profile string `json:"profile,omitempty"`
	// PAT, BaseURL and Region are kongctl's --pat, --base-url and
	// --region for this request only (see core.Caller).
	PAT     string `json:"pat,omitempty"`
	BaseURL string `json:"baseUrl,omitempty"`
	Region  string `json:"region,omitempty"`
}

// caller is CallerFrom with this request's per-request overrides.
func (p ProfileParam) caller(ctx context.Context) core.Caller {
	c := CallerFrom(ctx, p.Profile)
	c.PAT, c.BaseURL, c.Region = p.PAT, p.BaseURL, p.Region
	return c
}

// CallerFrom builds the core's view of who is asking: the request's
// profile, the session's default profile and its forwarded environment.
func CallerFrom(ctx context.Context, profile string) core.Caller {
	c := core.Caller{Profile: profile}
	if s := SessionFrom(ctx); s != nil {
		c.DefaultProfile = s.DefaultProfile()
		c.Env = config.Env(s.effectiveEnv())
	}
	return c
}

// effectiveEnv is the client's KONGCTL_* variables. A stdio client that
// sent none is the daemon's own parent (an editor that spawned it), so
// there the process environment is the client's; a socket client's never
// is.
func (s *Session) effectiveEnv() map[string]string {
	s.mu.Lock()
	env := s.env
	s.mu.Unlock()
	if env != nil || s.Transport != "stdio" {
		return env
	}
	out := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "KONGCTL_") {
			out[k] = v
		}
	}
	return out
}
