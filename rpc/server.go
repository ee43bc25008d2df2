package rpc

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/konnectd/konnectd/internal/safesocket"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	Logger       *slog.Logger
	MaxMessage   int64         // cap on one incoming message; DefaultMaxMessage if 0
	MaxActive    int           // requests running at once per connection; 4×GOMAXPROCS if 0
	IdleTimeout  time.Duration // end Serve after this long with no client; 0 = never
	DrainTimeout time.Duration // how long Serve waits for in-flight requests on shutdown; 10 s if 0
	Version      string
	// Stop, when set, is what daemon/stop calls to end the daemon: the
	// serve command cancels the context Serve runs under, so a client's
	// stop drains exactly as SIGTERM does. Without it there is no
	// daemon/stop (an embedding program owns its own lifetime).
	Stop func()
}

// Server answers JSON-RPC on any number of connections, stdio or socket,
// with one method table.
type Server struct {
	opts    Options
	log     *slog.Logger
	methods map[string]Method
	started time.Time
	uid     int

	nextID  atomic.Uint64
	active  sync.WaitGroup // running requests, for drain
	workers *workers       // the goroutines requests run on
	refused *refusals      // other users' connections: answered, closed, logged throttled

	mu         sync.Mutex
	sessions   map[*Session]*jsonrpc2.Conn
	socketPath string
	idle       chan struct{} // receives when the idle timer fires
	idleTimer  *time.Timer
	onConnect  []func(*Session)
	onInit     []func(*Session)
}

// NewServer builds a server with the lifecycle methods and the given method
// families.
func NewServer(o Options, families ...[]Method) *Server {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.DrainTimeout == 0 {
		o.DrainTimeout = 10 * time.Second
	}
	s := &Server{
		opts:     o,
		log:      o.Logger,
		methods:  map[string]Method{},
		started:  time.Now(),
		uid:      os.Getuid(),
		sessions: map[*Session]*jsonrpc2.Conn{},
		workers:  newWorkers(),
		idle:     make(chan struct{}, 1),
	}
	s.refused = newRefusals(s.log)
	s.register(s.lifecycleMethods())
	for _, f := range families {
		s.register(f)
	}
	return s
}

func (s *Server) register(ms []Method) {
	for _, m := range ms {
		if _, dup := s.methods[m.Name]; dup {
			panic("rpc: method registered twice: " + m.Name)
		}
		s.methods[m.Name] = m
	}
}

// MethodNames lists the method table, sorted.
func (s *Server) MethodNames() []string {
	names := slices.Collect(maps.Keys(s.methods))
	names = append(names, "exit", "$/cancelRequest")
	slices.Sort(names)
	return names
}

// OnConnect registers f to run for every new session (after it is
// registered, before its first message is read).
func (s *Server) OnConnect(f func(*Session)) { s.onConnect = append(s.onConnect, f) }

func (s *Server) maxActive() int {
	if s.opts.MaxActive > 0 {
		return s.opts.MaxActive
	}
	return 4 * runtime.GOMAXPROCS(0)
}

// ServeStream serves one connection (stdio, or an accepted socket) until
// the peer hangs up, sends "exit", or ctx ends. framing FramingAuto sniffs.
func (s *Server) ServeStream(ctx context.Context, rwc io.ReadWriteCloser, transport string, peer safesocket.Cred) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sess := &Session{ID: s.nextID.Add(1), Transport: transport, Peer: peer, Connected: time.Now()}
	st := newStream(rwc, FramingAuto, s.opts.MaxMessage)
	st.params = &paramsHandoff{}
	st.onError = func(code int64, msg string) {
		s.log.Warn("bad message", "session", sess.ID, "code", code, "error", msg)
	}
	h := newConnHandler(s, sess, st)
	st.onEOF = func() {
		// A peer that hung up for good has its work cancelled; one that
		// only stopped writing still gets its replies.
		if uc, ok := rwc.(*net.UnixConn); ok && safesocket.PeerClosed(uc) {
			return
		}
		h.wait(s.opts.DrainTimeout)
	}
	st.onFatal = func() { h.wait(s.opts.DrainTimeout) }
	conn := jsonrpc2.NewConn(ctx, st, h, jsonrpc2.SetLogger(discardLogger{}))
	sess.conn, sess.handler = conn, h
	s.addSession(sess, conn)
	defer s.removeSession(sess)
	s.log.Info("client connected", "session", sess.ID, "transport", transport, "pid", peer.PID)
	for _, f := range s.onConnect {
		f(sess)
	}
	close(h.ready)
	select {
	case <-conn.DisconnectNotify():
	case <-ctx.Done():
		conn.Close()
	}
	s.log.Info("client disconnected", "session", sess.ID, "client", sess.ClientName())
}

// Serve accepts connections on l until ctx ends or the idle timeout fires,
// then stops accepting, drains in-flight requests (bounded by
// DrainTimeout), closes every connection and the listener, and returns.
func (s *Server) Serve(ctx context.Context, l *safesocket.Listener) error {
	s.mu.Lock()
	s.socketPath = l.Path()
	s.mu.Unlock()
	s.armIdle()

	connCtx, cancelConns := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelConns()
	var conns sync.WaitGroup
	acceptErr := make(chan error, 1)
	go func() {
		for {
			c, err := l.AcceptUnix()
			if err != nil {
				acceptErr <- err
				return
			}
			cred, err := safesocket.PeerCred(c)
			if err == nil {
				err = safesocket.CheckPeer(cred, s.uid)
			}
			if err != nil {
				// Whatever the socket's mode says, only our own user may talk to us.
				s.refused.refuse(c, cred, err)
				continue
			}
			conns.Add(1)
			go func() {
				defer conns.Done()
				s.ServeStream(connCtx, c, "socket", cred)
			}()
		}
	}()

	var err error
	select {
	case <-ctx.Done():
		s.log.Info("shutting down", "reason", context.Cause(ctx))
	case <-s.idle:
		s.log.Info("shutting down", "reason", "idle timeout", "idle_timeout", s.opts.IdleTimeout)
	case err = <-acceptErr:
		if errors.Is(err, net.ErrClosed) {
			err = nil
		}
	}
	l.Close()
	s.drain()
	cancelConns()
	conns.Wait()
	return err
}

// Drain waits for running requests to finish, at most DrainTimeout. Serve
// does it on shutdown; a caller of ServeStream does it before cancelling
// the stream's context, so replies still go out.
func (s *Server) Drain() { s.drain() }

// drain waits for running requests to finish, at most DrainTimeout.
func (s *Server) drain() {
	done := make(chan struct{})
	go func() { s.active.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(s.opts.DrainTimeout):
		n := 0
		for _, sess := range s.Sessions() {
			if sess.handler != nil {
				n += sess.handler.cutOff(sess.conn, s.opts.DrainTimeout)
			}
		}
		s.log.Warn("drain timeout: cancelled requests still running, answering each with -32800", "drain_timeout", s.opts.DrainTimeout, "requests", n)
	}
}

func (s *Server) addSession(sess *Session, conn *jsonrpc2.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[sess] = conn
	if s.idleTimer != nil {
		s.idleTimer.Stop()
		s.idleTimer = nil
	}
}

func (s *Server) removeSession(sess *Session) {
	s.mu.Lock()
	delete(s.sessions, sess)
	s.mu.Unlock()
	s.armIdle()
}

// armIdle starts the idle timer when no client is connected.
func (s *Server) armIdle() {
	if s.opts.IdleTimeout <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.sessions) > 0 || s.idleTimer != nil {
		return
	}
	var t *time.Timer
	t = time.AfterFunc(s.opts.IdleTimeout, func() {
		s.mu.Lock()
		fire := s.idleTimer == t && len(s.sessions) == 0
		s.mu.Unlock()
		if fire {
			select {
			case s.idle <- struct{}{}:
			default:
			}
		}
	})
	s.idleTimer = t
}

// Sessions returns the connected sessions.
func (s *Server) Sessions() []*Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Collect(maps.Keys(s.sessions))
}

// Broadcast sends a notification to every connected client; f may tailor
// the params per session (profile/didChange carries each session's active
// profile) and return nil to skip one.
func (s *Server) Broadcast(ctx context.Context, method string, f func(*Session) any) {
	for _, sess := range s.Sessions() {
		if p := f(sess); p != nil {
			if err := sess.Notify(ctx, method, p); err != nil {
				s.log.Debug("notify failed", "session", sess.ID, "method", method, "error", err)
			}
		}
	}
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

// Version is the version the server reports.
func (s *Server) Version() string { return s.opts.Version }
