package rpc

import (
	"context"
	"os"
	"time"
)

// InitializeParams is what a client may say about itself. All optional:
// a client that skips initialize gets the defaults.
type InitializeParams struct {
	ClientInfo *ClientInfo `json:"clientInfo,omitempty"`
	// Profile is this connection's default profile (request params still win).
	Profile string `json:"profile,omitempty"`
	// Env carries the client's KONGCTL_* variables; others are ignored.
	Env map[string]string `json:"env,omitempty"`
	// ConfigFile is the connection's config file, an absolute path (the
	// client resolves --config-file and KONGCTL_CONFIG_FILE itself). Without
	// it the forwarded KONGCTL_CONFIG_FILE applies, else the daemon's own
	// file. A request's own configFile param still wins.
	ConfigFile string `json:"configFile,omitempty"`
	// ProcessID and Capabilities are accepted for LSP clients and ignored.
	ProcessID    *int `json:"processId,omitempty"`
	Capabilities any  `json:"capabilities,omitempty"`
}

// ClientInfo names a client.
type ClientInfo struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// InitializeResult tells the client what it is talking to.
type InitializeResult struct {
	ServerInfo ServerInfo `json:"serverInfo"`
	Methods    []string   `json:"methods"`
}

// ServerInfo names the server.
type ServerInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Status is daemon/status's result.
type Status struct {
	Version       string  `json:"version"`
	PID           int     `json:"pid"`
	UptimeSeconds float64 `json:"uptimeSeconds"`
	Connections   int     `json:"connections"`
	Socket        string  `json:"socket,omitempty"`
	Client        string  `json:"client,omitempty"` // the calling session's client name
}

func (s *Server) lifecycleMethods() []Method {
	ms := []Method{
		Func("initialize", s.initialize).AsOrdered(),
		Func("shutdown", s.shutdown).AsOrdered(),
		Func("daemon/status", s.status),
	}
	if s.opts.Stop != nil {
		ms = append(ms, Func("daemon/stop", s.stop))
	}
	return ms
}

// StopResult is daemon/stop's result.
type StopResult struct {
	PID int `json:"pid"` // the daemon that is stopping
}

// stop ends the whole daemon, not just this connection (that is shutdown
// and exit): after replying it drains every client's running requests, as
// SIGTERM does, and removes the socket. The caller has passed the socket's
// peer check like any other, and could have sent the daemon a signal.
func (s *Server) stop(ctx context.Context, _ *NoParams) (*StopResult, error) {
	if sess := SessionFrom(ctx); sess != nil {
		s.log.Info("stop requested", "session", sess.ID, "client", sess.ClientName(), "peer_pid", sess.Peer.PID)
	}
	s.opts.Stop()
	return &StopResult{PID: os.Getpid()}, nil
}

func (s *Server) initialize(ctx context.Context, p *InitializeParams) (*InitializeResult, error) {
	if sess := SessionFrom(ctx); sess != nil {
		sess.mu.Lock()
		if p.ClientInfo != nil {
			sess.clientName, sess.clientVersion = p.ClientInfo.Name, p.ClientInfo.Version
		}
		if p.Profile != "" {
			sess.defaultProfile = p.Profile
		}
		if p.Env != nil {
			sess.env = kongctlEnv(p.Env)
		}
		if p.ConfigFile != "" {
			sess.configFile = p.ConfigFile
		}
		sess.initialized = true
		sess.mu.Unlock()
		for _, f := range s.onInit {
			f(sess)
		}
	}
	return &InitializeResult{
		ServerInfo: ServerInfo{Name: "konnectd", Version: s.opts.Version},
		Methods:    s.MethodNames(),
	}, nil
}

// OnInitialize registers f to run after a session's initialize has been
// taken in, before the reply (the daemon starts watching the connection's
// config file there, so profile/didChange covers it from the start).
// Register before serving.
func (s *Server) OnInitialize(f func(*Session)) { s.onInit = append(s.onInit, f) }

// kongctlEnv keeps only KONGCTL_* variables: a client has no business
// setting anything else in the daemon's view.
func kongctlEnv(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		if len(k) > 8 && k[:8] == "KONGCTL_" {
			out[k] = v
		}
	}
	return out
}

func (s *Server) shutdown(ctx context.Context, _ *NoParams) (any, error) {
	if sess := SessionFrom(ctx); sess != nil {
		sess.mu.Lock()
		sess.shutdown = true
		sess.mu.Unlock()
	}
	return nil, nil
}

func (s *Server) status(ctx context.Context, _ *NoParams) (*Status, error) {
	s.mu.Lock()
	st := &Status{
		Version:       s.opts.Version,
		PID:           os.Getpid(),
		UptimeSeconds: time.Since(s.started).Round(time.Millisecond).Seconds(),
		Connections:   len(s.sessions),
		Socket:        s.socketPath,
	}
	s.mu.Unlock()
	if sess := SessionFrom(ctx); sess != nil {
		st.Client = sess.ClientName()
	}
	return st, nil
}
