package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/konnectd/konnectd/core"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/konnect"
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
	inflight map[string]*inflightReq
	prev     chan struct{} // closed when the previous request may be overtaken
	ready    chan struct{} // closed once ServeStream has registered the session
	running  sync.WaitGroup
}

// inflightReq is a request that has not been answered yet.
type inflightReq struct {
	cancel  context.CancelFunc
	replied bool // guarded by connHandler.mu: the drain cut-off answered it
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
		inflight: map[string]*inflightReq{},
		prev:     first,
		ready:    make(chan struct{}),
	}
}

func (h *connHandler) Handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	// jsonrpc2.NewConn starts reading at once; a request must not run
	// before ServeStream has registered the session it belongs to (a fast
	// daemon/status used to count 0 connections).
	<-h.ready
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
	reqCtx = core.WithPeer(reqCtx, h.sess.auditPeer())
	rq := &inflightReq{cancel: cancel}
	if !notif {
		reqCtx = context.WithValue(reqCtx, requestIDKey{}, id)
		reqCtx = context.WithValue(reqCtx, replyHooksKey{}, &replyHooks{})
		// Every Konnect retry the request waits for is told to the
		// client as it happens, not only after the last one failed.
		idCtx := reqCtx
		reqCtx = konnect.WithRetryHook(reqCtx, func(r konnect.Retry) { ProgressMessage(idCtx, r.String()) })
		h.mu.Lock()
		h.inflight[string(id)] = rq
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
		h.finish(ctx, reqCtx, conn, req, id, rq, result, err)
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

func (h *connHandler) finish(connCtx, reqCtx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request, id json.RawMessage, rq *inflightReq, result any, err error) {
	if id == nil {
		if err != nil {
			h.log.Warn("notification failed", "method", req.Method, "error", redact.String(err.Error()))
		}
		return
	}
	h.mu.Lock()
	if h.inflight[string(id)] == rq {
		delete(h.inflight, string(id))
	}
	replied := rq.replied
	rq.replied = true
	h.mu.Unlock()
	hooks, _ := reqCtx.Value(replyHooksKey{}).(*replyHooks)
	if replied {
		// The drain cut-off answered it with -32800, so this result never
		// reaches the client: a created token's secret must be kept.
		hooks.run(h.log, req.Method, errDrainCutOff)
		return
	}
	if connCtx.Err() != nil {
		// The client is gone; there is nobody to reply to.
		hooks.run(h.log, req.Method, connCtx.Err())
		return
	}
	if err != nil {
		werr := toWire(reqCtx, err)
		if werr.Code == CodeInternalError {
			h.log.Error("request failed", "method", req.Method, "error", werr.Message)
		}
		if rerr := h.st.writeErrorReply(conn, id, werr); rerr != nil {
			hooks.run(h.log, req.Method, rerr)
		}
		return
	}
	if rerr := h.st.writeResult(conn, id, result); rerr != nil {
		var enc *encodeError
		if !errors.As(rerr, &enc) {
			h.log.Debug("reply failed", "method", req.Method, "error", rerr)
			hooks.run(h.log, req.Method, rerr)
			return
		}
		// A result JSON cannot carry used to end here with no reply and a
		// debug line nobody saw; the caller waited for ever. The result
		// itself never reached the client, so its recovery runs too.
		h.log.Error("result cannot be encoded", "method", req.Method, "error", redact.String(enc.Error()))
		_ = h.st.writeErrorReply(conn, id, &jsonrpc2.Error{Code: CodeInternalError,
			Message: fmt.Sprintf("internal error: the result of %s could not be encoded as JSON; the daemon log has details", req.Method)})
		hooks.run(h.log, req.Method, rerr)
	}
}

// replyHooks are what a method asked to run should its reply not be
// written (OnReplyFailed).
type replyHooks struct {
	mu sync.Mutex
	fs []func()
}

type replyHooksKey struct{}

// OnReplyFailed registers f to run if the reply to the request in ctx
// cannot be written: the client hung up, or the write failed. A create
// uses it to keep a new token's secret that would otherwise be lost with
// the reply. Limits: a reply the kernel accepted counts as delivered, even
// if the client never reads it; f runs on the request's goroutine, after
// the method returned. Outside a request it does nothing.
func OnReplyFailed(ctx context.Context, f func()) {
	h, _ := ctx.Value(replyHooksKey{}).(*replyHooks)
	if h == nil {
		return
	}
	h.mu.Lock()
	h.fs = append(h.fs, f)
	h.mu.Unlock()
}

func (r *replyHooks) run(log *slog.Logger, method string, cause error) {
	if r == nil {
		return
	}
	r.mu.Lock()
	fs := r.fs
	r.fs = nil
	r.mu.Unlock()
	if len(fs) > 0 {
		log.Warn("reply not delivered; running its recovery", "method", method, "error", redact.String(cause.Error()))
	}
	for _, f := range fs {
		f()
	}
}

// cancel handles $/cancelRequest {id}. The cancelled request still replies,
// with -32800, unless it had already finished.
func (h *connHandler) cancel(params json.RawMessage) {
	var p struct {
		ID json.RawMessage `json:"id"`
	}
	if params == nil || json.Unmarshal(params, &p) != nil || validID(p.ID) == nil {
		h.log.Debug("ignoring malformed $/cancelRequest")
		return
	}
	h.mu.Lock()
	rq := h.inflight[string(validID(p.ID))]
	h.mu.Unlock()
	if rq != nil {
		rq.cancel()
	}
}

// cutOff answers every request still running with -32800 and cancels it:
// the drain timeout is over and the connection is about to close, so a
// client waiting for an answer gets one, not a bare hang-up. A request
// that finishes after this has its own reply dropped (one reply each).
func (h *connHandler) cutOff(conn *jsonrpc2.Conn, drain time.Duration) int {
	h.mu.Lock()
	var ids []string
	for id, rq := range h.inflight {
		if !rq.replied {
			rq.replied = true
			rq.cancel()
			ids = append(ids, id)
		}
		delete(h.inflight, id)
	}
	h.mu.Unlock()
	for _, id := range ids {
		_ = h.st.writeErrorReply(conn, json.RawMessage(id), &jsonrpc2.Error{
			Code:    CodeRequestCancelled,
			Message: fmt.Sprintf("request cancelled: the daemon is shutting down and the request was still running after the drain timeout (%s)", drain),
		})
	}
	return len(ids)
}

// errDrainCutOff is why a request's own reply was not sent: cutOff had
// already answered it.
var errDrainCutOff = errors.New("the drain cut-off answered the request before it finished")

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
