package rpc

import (
	"encoding/json"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/konnectd/konnectd/internal/safesocket"
)

// refusedLogInterval is how often the log tells about refused connections
// from one uid: the first refusal is logged at once, the rest of a burst
// as one line with a count per interval, so 5,000 connects from another
// user cost two log lines, not 5,000.
const refusedLogInterval = time.Minute

// refusals answers and logs connections from peers the daemon will not
// serve (another user, or one the kernel cannot identify).
type refusals struct {
	log      *slog.Logger
	interval time.Duration

	mu sync.Mutex
	// open has the uids refused in the current interval: how many more
	// since the last line, and the last pid. An entry lives one quiet
	// interval, so the map holds at most the uids refused lately.
	open map[int]*refusedWindow
}

type refusedWindow struct {
	more    int
	lastPID int
}

func newRefusals(log *slog.Logger) *refusals {
	return &refusals{log: log, interval: refusedLogInterval, open: map[int]*refusedWindow{}}
}

// refuse tells the peer why in one line, closes the connection and logs
// it, throttled.
func (r *refusals) refuse(c *net.UnixConn, cred safesocket.Cred, why error) {
	// One JSON-RPC error response with a null id (what JSON-RPC 2.0 sends
	// when there is no request to answer), on one line: readable as it is
	// in socat, and rpc.Client reports it instead of a bare close. The
	// write goes into an empty socket buffer; the deadline only keeps a
	// strange peer from stalling the accept loop.
	type wireError struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	}
	line, _ := json.Marshal(struct {
		JSONRPC string    `json:"jsonrpc"`
		ID      *int      `json:"id"`
		Error   wireError `json:"error"`
	}{"2.0", nil, wireError{CodeRefused, "konnectd refused this connection: " + why.Error() + "; only the user the daemon runs as may use it"}})
	c.SetWriteDeadline(time.Now().Add(time.Second))
	c.Write(append(line, '\n'))
	c.Close()

	uid := cred.UID
	r.mu.Lock()
	if w := r.open[uid]; w != nil {
		w.more++
		w.lastPID = cred.PID
		r.mu.Unlock()
		return
	}
	r.open[uid] = &refusedWindow{}
	r.mu.Unlock()
	r.log.Warn("refused connection", "error", why, "peer_uid", uid, "peer_pid", cred.PID)
	time.AfterFunc(r.interval, func() { r.flush(uid) })
}

// flush logs the refusals of uid since the last line, if any, and keeps
// the window open while they keep coming.
func (r *refusals) flush(uid int) {
	r.mu.Lock()
	w := r.open[uid]
	if w == nil || w.more == 0 {
		delete(r.open, uid)
		r.mu.Unlock()
		return
	}
	more, pid := w.more, w.lastPID
	w.more = 0
	r.mu.Unlock()
	r.log.Warn("refused more connections", "peer_uid", uid, "count", more, "last_peer_pid", pid, "interval", r.interval)
	time.AfterFunc(r.interval, func() { r.flush(uid) })
}
