package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/konnectd/konnectd/internal/redact"
)

// The hostile suite (issue 19, "How it is proven"): the built daemon runs
// as a child process under a memory limit and gets inputs an attacker or
// a careless script would send. After every case: it is still alive, the
// request got exactly one reply, no reply and no log line holds a secret,
// and another client's requests made during the attack were answered
// before the attack's deadline. Other hostile categories (framing, config,
// keychain) add a table of hostileCase and call runHostile.

// hostileCase is one hostile message and what its reply must be.
type hostileCase struct {
	name string
	// msg is written to its own connection, followed by a newline (line
	// framing); id is its JSON-RPC id as JSON text, "" if it expects no
	// reply (then the suite only checks that nothing answers with one).
	msg string
	id  string
	// then are messages written after thenAfter on the same connection
	// ($/cancelRequest, say), while the reply is still awaited; hangUp
	// closes the connection instead of waiting for the reply.
	then      []string
	thenAfter time.Duration
	hangUp    bool
	// check looks at the one reply; nil accepts any.
	check func(t *testing.T, rep hostileReply)
}

type hostileReply struct {
	raw    string
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// hostileSuite is the daemon a table runs against.
type hostileSuite struct {
	daemon *daemon  // one already running (a world's), or nil: start one with args and env
	args   []string // extra serve flags
	env    []string
	// memory is the daemon's RLIMIT_DATA in bytes (see limitMemory): past
	// it the daemon cannot grow and dies, which the suite would notice.
	memory int64
	// deadline is the longest any case may take to be answered, the
	// daemon's own limit for it (its --jq-timeout for jq cases); the
	// bystander's calls must each be answered within it too.
	deadline time.Duration
	// secrets must appear in no reply and no log line.
	secrets []string
}

// grace is added to every deadline the suite waits on, for a loaded
// machine; it bounds how long a broken daemon takes to fail the test.
const grace = 20 * time.Second

func runHostile(t *testing.T, s hostileSuite, cases []hostileCase) {
	t.Helper()
	d := s.daemon
	if d == nil {
		d = startDaemon(t, s.env, s.args...)
	}
	// Set on the running daemon, before the first case: what it has
	// mapped so far is its idle footprint.
	if err := limitMemory(d.cmd.Process.Pid, s.memory); err != nil {
		t.Fatalf("limit the daemon's memory: %v", err)
	}

	// The bystander: another client, calling all through the attacks.
	by := d.dial(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var slow []string
	calls := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			method, params := "daemon/status", any(nil)
			if i%2 == 1 {
				method, params = "jq/eval", map[string]any{"expression": ".a + 1", "input": map[string]any{"a": i}}
			}
			ctx, cancel := context.WithTimeout(context.Background(), s.deadline+grace)
			start := time.Now()
			var out json.RawMessage
			err := by.Call(ctx, method, params, &out)
			took := time.Since(start)
			cancel()
			mu.Lock()
			calls++
			if err != nil || took > s.deadline {
				slow = append(slow, fmt.Sprintf("%s: %v after %s", method, err, took))
			}
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
		}
	}()

	for _, c := range cases {
		select {
		case <-d.exited:
			t.Fatalf("daemon died before %s: %v\n%s", c.name, d.err, redact.String(d.logs()))
		default:
		}
		t.Run(c.name, func(t *testing.T) {
			rep, ok := hostileExchange(t, d, s, c)
			if !ok {
				return
			}
			for _, sec := range s.secrets {
				if strings.Contains(rep.raw, sec) {
					t.Errorf("reply holds a secret: %s", redact.String(rep.raw))
				}
			}
			if redact.Contains(rep.raw) {
				t.Errorf("reply holds a secret: %s", redact.String(rep.raw))
			}
			if c.check != nil && rep.raw != "" {
				c.check(t, rep)
			}
			select {
			case <-d.exited:
				t.Fatalf("daemon died: %v\n%s", d.err, redact.String(d.logs()))
			default:
			}
		})
	}

	close(stop)
	wg.Wait()
	if len(slow) > 0 {
		t.Errorf("the other client was not answered within %s (%d of %d calls):\n%s", s.deadline, len(slow), calls, strings.Join(slow, "\n"))
	}
	// Alive, answering, and never above its limit.
	var st json.RawMessage
	if err := by.Call(context.Background(), "daemon/status", nil, &st); err != nil {
		t.Fatalf("daemon/status after the attacks: %v", err)
	}
	if peak := peakRSS(d.cmd.Process.Pid); s.memory > 0 && peak > s.memory {
		t.Errorf("daemon peak RSS %d MiB above the %d MiB limit", peak>>20, s.memory>>20)
	}
	logs := d.logs()
	for _, sec := range s.secrets {
		if strings.Contains(logs, sec) {
			t.Errorf("daemon log holds a secret:\n%s", redact.String(logs))
		}
	}
}

// hostileExchange sends c and returns its one reply, failing t when there
// is none within the deadline or more than one.
func hostileExchange(t *testing.T, d *daemon, s hostileSuite, c hostileCase) (hostileReply, bool) {
	conn, err := net.Dial("unix", d.socket)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(s.deadline + grace))
	r := bufio.NewReaderSize(conn, 64<<10)
	if _, err := fmt.Fprintln(conn, c.msg); err != nil {
		t.Fatalf("send: %v", err)
	}
	if len(c.then) > 0 || c.hangUp {
		time.Sleep(c.thenAfter) // lets the request get going; no timing is asserted
		for _, m := range c.then {
			fmt.Fprintln(conn, m)
		}
	}
	if c.hangUp {
		conn.Close()
		waitIdleWorkers(t, d, s.deadline+grace)
		return hostileReply{}, true
	}
	// Read until the case's reply, then ask for a sentinel on the same
	// connection and read until its reply: a second reply to the case
	// would come in between.
	const sentinel = `{"jsonrpc":"2.0","id":"hostile-sentinel","method":"daemon/status"}`
	sent := false
	send := func() {
		if _, err := fmt.Fprintln(conn, sentinel); err != nil {
			t.Fatalf("send sentinel: %v", err)
		}
		sent = true
	}
	if c.id == "" {
		send()
	}
	var rep hostileReply
	got := 0
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("no reply within %s (+%s): %v (replies so far: %d)", s.deadline, grace, err, got)
		}
		var m hostileReply
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("reply is not JSON: %v: %.200q", err, redact.String(line))
		}
		m.raw = line
		if m.ID == nil && strings.Contains(line, `"method"`) {
			continue // a notification ($/progress of a Konnect retry, say), not a reply
		}
		if string(m.ID) == `"hostile-sentinel"` && sent {
			break
		}
		if c.id != "" && string(m.ID) == c.id {
			got++
			rep = m
		} else {
			t.Errorf("unexpected message: %.300s", redact.String(line))
		}
		if !sent && got == 1 {
			send()
		}
	}
	if c.id != "" && got != 1 {
		t.Errorf("%d replies to %s, want 1", got, c.id)
	}
	return rep, got == 1
}

// waitIdleWorkers waits until no child of the daemon (a jq worker) is
// running: work must stop when its client leaves.
func waitIdleWorkers(t *testing.T, d *daemon, within time.Duration) {
	t.Helper()
	end := time.Now().Add(within)
	for quiet := 0; quiet < 5; {
		if busyChildren(d.cmd.Process.Pid) == 0 {
			quiet++
		} else {
			quiet = 0
		}
		if time.Now().After(end) {
			t.Fatalf("a worker still runs %s after its client left", within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func wantError(code int64, part string) func(*testing.T, hostileReply) {
	return func(t *testing.T, rep hostileReply) {
		t.Helper()
		if rep.Error == nil || rep.Error.Code != code || !strings.Contains(rep.Error.Message, part) {
			t.Errorf("want error %d with %q, got %.300s", code, part, redact.String(rep.raw))
		}
	}
}

func wantResult(want string) func(*testing.T, hostileReply) {
	return func(t *testing.T, rep hostileReply) {
		t.Helper()
		if rep.Error != nil || string(rep.Result) != want {
			t.Errorf("want result %s, got %.300s", want, redact.String(rep.raw))
		}
	}
}
