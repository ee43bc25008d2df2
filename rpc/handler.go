package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/konnectd/konnectd/internal/redact"
)

// connHandler is the jsonrpc2.Handler of one connection. jsonrpc2 calls
// Handle on its read loop, one message at a time; connHandler returns at
// once and runs the method on its own goroutine, so a slow method never
// holds up $/cancelRequest or the next message. Requests still start in
// arrival order (each waits for its predecessor to start, or to finish if
// the predecessor is Ordered), at most maxActive run at a time, and every
// request gets exactly one reply.
type connHandler struct {
	srv      *Server
	sess     *Session
	st       *stream // replies are written here, past jsonrpc2 (see writeResult)
	log      *slog.Logger
	sem      chan struct{} // running requests
	queue    chan struct{} // accepted but unfinished; full = read loop waits
	mu       sync.Mutex
	inflight map[string]context.CancelFunc
	prev     chan struct{} // closed when the previous request may be overtaken
	running  sync.WaitGroup
}

// maxQueued bounds accepted-but-unfinished requests per connection. Past it
// the read loop blocks, which pushes back on the client through the socket.
const maxQueued = 1024

func newConnHandler(srv *Server, sess *Session, st *stream) *connHandler {
	first := make(chan struct{})
	close(first)
	return &connHandler{
		srv:      srv,
		sess:     sess,
		st:       st,
		log:      srv.log.With("session", sess.ID),
		sem:      make(chan struct{}, srv.maxActive()),
		queue:    make(chan struct{}, maxQueued),
		inflight: map[string]context.CancelFunc{},
		prev:     first,
	}
}

func (h *connHandler) Handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	// The stream kept the params and the id's bytes; req has neither (see
	// paramsHandoff). A request with "id":null is a request, not a
	// notification: it gets its reply.
	params := h.st.params.take()
	id := h.st.params.takeID()
	notif := id == nil
	// Cancellation and exit are handled on the read loop itself, so neither
	// can be stuck behind the requests they are about.
	switch req.Method {
	case "$/cancelRequest":
		h.cancel(params)
		return
	case "exit":
		h.log.Debug("exit", "client", h.sess.ClientName())
		conn.Close()
		return
	}

	m, known := h.srv.methods[req.Method]
	reqCtx, cancel := context.WithCancel(ctx)
	reqCtx = context.WithValue(reqCtx, sessionKey{}, h.sess)
	if !notif {
		reqCtx = context.WithValue(reqCtx, requestIDKey{}, id)
		h.mu.Lock()
		h.inflight[string(id)] = cancel
		h.mu.Unlock()
	}

	prev := h.prev
	next := make(chan struct{})
	h.prev = next
	h.queue <- struct{}{}
	h.srv.active.Add(1)
	h.running.Add(1)

	h.srv.workers.Go(func() {
		defer h.srv.active.Done()
		defer h.running.Done()
		defer func() { <-h.queue }()
		defer cancel()
		released := false
		release := func() {
			if !released {
				released = true
				close(next)
			}
		}
		defer release()

		result, err := func() (any, error) {
			select {
			case <-prev:
			case <-reqCtx.Done():
				return nil, reqCtx.Err()
			}
			select {
			case h.sem <- struct{}{}:
			case <-reqCtx.Done():
				return nil, reqCtx.Err()
			}
			defer func() { <-h.sem }()
			if !known || !m.Ordered {
				release()
			}
			if !known {
				return nil, &Error{Code: CodeMethodNotFound, Message: fmt.Sprintf("method not found: %q", req.Method)}
			}
			if h.sess.isShutdown() {
				return nil, &Error{Code: CodeShuttingDown, Message: "session is shutting down: only \"exit\" is accepted after \"shutdown\""}
			}
			return h.call(reqCtx, m, req, params)
		}()
		h.finish(ctx, reqCtx, conn, req, id, result, err)
	})
}

// call runs the method, turning a panic into an internal error: one bad
// request must not take the daemon down with every other client's work.
func (h *connHandler) call(ctx context.Context, m Method, req *jsonrpc2.Request, params json.RawMessage) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			h.log.Error("handler panic", "method", req.Method,
				"panic", redact.String(fmt.Sprint(r)), "stack", redact.String(string(debug.Stack())))
			result, err = nil, &Error{Code: CodeInternalError, Message: fmt.Sprintf("internal error: %s failed unexpectedly; the daemon log has details", req.Method)}
		}
	}()
	start := time.Now()
	result, err = m.Handle(ctx, params)
	h.log.Debug("handled", "method", req.Method, "took", time.Since(start), "error", errString(err))
	return result, err
}

func (h *connHandler) finish(connCtx, reqCtx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request, id json.RawMessage, result any, err error) {
	if id == nil {
		if err != nil {
			h.log.Warn("notification failed", "method", req.Method, "error", redact.String(err.Error()))
		}
		return
	}
	h.mu.Lock()
	delete(h.inflight, string(id))
	h.mu.Unlock()
	if connCtx.Err() != nil {
		return // the client is gone; there is nobody to reply to
	}
	if err != nil {
		werr := toWire(reqCtx, err)
		if werr.Code == CodeInternalError {
			h.log.Error("request failed", "method", req.Method, "error", werr.Message)
		}
		_ = h.st.writeErrorReply(conn, id, werr)
		return
	}
	if rerr := h.st.writeResult(conn, id, result); rerr != nil {
		h.log.Debug("reply failed", "method", req.Method, "error", rerr)
	}
}

// cancel handles $/cancelRequest {id}. The cancelled request still replies,
// with -32800, unless it had already finished. The id is matched byte for
// byte against the ids requests were sent with.
func (h *connHandler) cancel(params json.RawMessage) {
	var p struct {
		ID json.RawMessage `json:"id"`
	}
	if params == nil || json.Unmarshal(params, &p) != nil || validID(p.ID) == nil {
		h.log.Debug("ignoring malformed $/cancelRequest")
		return
	}
	h.mu.Lock()
	cancel := h.inflight[string(validID(p.ID))]
	h.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return redact.String(err.Error())
}

// wait blocks until this connection's requests have finished, at most d.
func (h *connHandler) wait(d time.Duration) {
	done := make(chan struct{})
	go func() { h.running.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}
