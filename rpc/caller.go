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
	// ConfigFile is the config file this request uses (an absolute path),
	// over the connection's (initialize's configFile, else the forwarded
	// KONGCTL_CONFIG_FILE) and the daemon's own.
	ConfigFile string `json:"configFile,omitempty"`
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

// configParam is a params type that carries a config file: every one that
// embeds ProfileParam. Func puts the file in the request's context, so
// CallerFrom sees it whichever method it is called for.
type configParam interface{ requestConfigFile() string }

func (p *ProfileParam) requestConfigFile() string { return p.ConfigFile }

type configFileKey struct{}

func withRequestConfigFile(ctx context.Context, path string) context.Context {
	if path == "" {
		return ctx
	}
	return context.WithValue(ctx, configFileKey{}, path)
}

// CallerFrom builds the core's view of who is asking: the request's
// profile, the session's default profile, its forwarded environment and
// the config file the request uses. That file is noted on the session, so
// profile/didChange tells it about the files it uses.
func CallerFrom(ctx context.Context, profile string) core.Caller {
	c := core.Caller{Profile: profile}
	c.ConfigFile, _ = ctx.Value(configFileKey{}).(string)
	if s := SessionFrom(ctx); s != nil {
		c.DefaultProfile = s.DefaultProfile()
		c.Env = config.Env(s.effectiveEnv())
		c.Face = faceOf(s.ClientName())
		if c.ConfigFile == "" {
			c.ConfigFile = s.ConfigFile()
		}
		s.noteConfigFile(c.ConfigFile)
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
