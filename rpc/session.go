package rpc

import (
	"context"
	"encoding/json"
	"maps"
	"sync"
	"time"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/safesocket"
)

// Session is one client connection: who is on the other end and what it
// told us in initialize. Handlers get it from their context, as tailscale's
// localapi gets the caller's identity.
type Session struct {
	ID        uint64
	Transport string          // "stdio" or "socket"
	Peer      safesocket.Cred // zero for stdio
	Connected time.Time

	conn    *jsonrpc2.Conn
	handler *connHandler // for the drain cut-off

	mu             sync.Mutex
	clientName     string
	clientVersion  string
	defaultProfile string
	env            map[string]string
	shutdown       bool
	configFile     string          // from initialize; "" when not given
	configUsed     map[string]bool // config files its requests used ("" is the daemon's own)
	initialized    bool

	exeOnce sync.Once
	exe     string
}

// auditPeer is the session's peer for the audit log: the kernel's uid and
// pid (SO_PEERCRED), the executable behind the pid (read once, at the
// first request: /proc/PID/exe on Linux, "" where the platform has no such
// link), and what the client called itself.
func (s *Session) auditPeer() core.Peer {
	s.exeOnce.Do(func() { s.exe = peerExecutable(s.Peer.PID) })
	return core.Peer{UID: s.Peer.UID, PID: s.Peer.PID, Exe: s.exe, Client: s.ClientName(), Transport: s.Transport}
}

// Initialized reports whether the client has sent initialize: a client
// that said who it is, and so one a notification raised only once
// (token/expiring) counts as delivered to.
func (s *Session) Initialized() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.initialized
}

// ClientName is what the client called itself in initialize ("" if it did not).
func (s *Session) ClientName() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clientName
}

// DefaultProfile is the profile the client chose in initialize, if any.
func (s *Session) DefaultProfile() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.defaultProfile
}

// Env returns the client's forwarded KONGCTL_* variables (a copy). The
// daemon's own environment is never consulted for them: the daemon may
// have been started by someone else, long ago.
func (s *Session) Env() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.env)
}

func (s *Session) isShutdown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shutdown
}

// Notify sends a notification to this client. Errors (a closed connection)
// are returned but usually not worth more than a debug log.
func (s *Session) Notify(ctx context.Context, method string, params any) error {
	return s.conn.Notify(ctx, method, params)
}

type sessionKey struct{}
type requestIDKey struct{}

// SessionFrom returns the session a request arrived on, or nil outside a
// request (tests calling handlers directly).
func SessionFrom(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey{}).(*Session)
	return s
}

// Progress sends a $/progress notification for the request in ctx: how many
// items have arrived out of how many (total 0 when unknown). It is a no-op
// outside a request and for notifications.
func Progress(ctx context.Context, done, total int) {
	s := SessionFrom(ctx)
	id, ok := ctx.Value(requestIDKey{}).(json.RawMessage)
	if s == nil || !ok {
		return
	}
	_ = s.Notify(ctx, "$/progress", ProgressParams{ID: id, Done: done, Total: total})
}

// ProgressMessage sends a $/progress notification that says what the
// request is waiting for, such as a retry of an unreachable Konnect. Done
// and total are 0: it counts nothing.
func ProgressMessage(ctx context.Context, message string) {
	s := SessionFrom(ctx)
	id, ok := ctx.Value(requestIDKey{}).(json.RawMessage)
	if s == nil || !ok {
		return
	}
	_ = s.Notify(ctx, "$/progress", ProgressParams{ID: id, Message: message})
}

// ProgressParams is the payload of $/progress. ID is the request's id as
// the client wrote it.
type ProgressParams struct {
	ID    json.RawMessage `json:"id"`
	Done  int             `json:"done"`
	Total int             `json:"total"`
	// Message, when set, says what the request is waiting for
	// ("https://us.api.konghq.com: connection refused; retry 1 of 4 in
	// 250ms"); such a notification counts nothing.
	Message string `json:"message,omitempty"`
}

// WithSession returns ctx carrying s, for code that acts for a session
// outside a request (notifications).
func WithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}
