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
}

// CallerFrom builds the core's view of who is asking: the request's
// profile, the session's default profile and its forwarded environment.
func CallerFrom(ctx context.Context, profile string) core.Caller {
	c := core.Caller{Profile: profile}
	if s := SessionFrom(ctx); s != nil {
		c.DefaultProfile = s.DefaultProfile()
		c.Env = config.Env(s.effectiveEnv())
		c.Face = faceOf(s.ClientName())
	}
	return c
}

// faceOf tells from initialize's clientInfo.name where answers are shown,
// so messages name commands that exist there: konnectd's own verbs call
// themselves konnectd-<verb>, the VS Code extension vscode-konnect.
// "konnectd call" is a CLI whose user writes methods and params, so it
// gets the RPC face's method names.
func faceOf(client string) string {
	switch {
	case client == "konnectd-call":
		return core.FaceRPC
	case strings.HasPrefix(client, "konnectd-"):
		return core.FaceCLI
	case client == "vscode-konnect":
		return core.FaceVSCode
	}
	return core.FaceRPC
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
