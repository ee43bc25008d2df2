package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/konnectd/konnectd/rpc"
)

func TestSocketClient(t *testing.T) {
	d := startDaemon(t, nil)
	c := d.dial(t)
	var st rpc.Status
	if err := c.Call(context.Background(), "daemon/status", nil, &st); err != nil {
		t.Fatal(err)
	}
	// startDaemon's own probe connection may not be gone yet, so "at least
	// this one"; the exact count is checked in the rpc package's tests.
	if st.PID != d.cmd.Process.Pid || st.Socket != d.socket || st.Connections < 1 {
		t.Fatalf("status %+v", st)
	}
	// The daemon made the directory itself: both must be private.
	for path, want := range map[string]os.FileMode{filepath.Dir(d.socket): 0o700, d.socket: 0o600} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Fatalf("%s: mode %v, want %#o (%v)", path, fi.Mode().Perm(), want, err)
		}
	}
	var got any
	err := c.Call(context.Background(), "jq/eval", map[string]any{"expression": "[.[] | .n * 2]", "input": []any{map[string]int{"n": 1}, map[string]int{"n": 2}}}, &got)
	if err != nil || fmt.Sprint(got) != "[2 4]" {
		t.Fatalf("jq/eval = %v, %v", got, err)
	}
}

// TestStdioContentLength speaks to "serve --stdio" as vscode-jsonrpc does.
func TestStdioContentLength(t *testing.T) {
	cmd := exec.Command(bin, "serve", "--stdio", "--log-level", "debug")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	r := bufio.NewReader(stdout)
	send := func(msg string) {
		fmt.Fprintf(stdin, "Content-Length: %d\r\n\r\n%s", len(msg), msg)
	}
	read := func() map[string]any {
		var n int
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("read: %v (stderr: %s)", err, stderr)
			}
			if strings.TrimSpace(line) == "" {
				break
			}
			fmt.Sscanf(line, "Content-Length: %d", &n)
		}
		body := make([]byte, n)
		io.ReadFull(r, body)
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("reply %q: %v", body, err)
		}
		return m
	}
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":1,"clientInfo":{"name":"vscode"},"capabilities":{}}}`)
	init := read()
	if info := init["result"].(map[string]any)["serverInfo"].(map[string]any); info["name"] != "konnectd" {
		t.Fatalf("initialize: %v", init)
	}
	send(`{"jsonrpc":"2.0","id":2,"method":"daemon/status"}`)
	if st := read()["result"].(map[string]any); st["client"] != "vscode" {
		t.Fatalf("status: %v", st)
	}
	send(`{"jsonrpc":"2.0","id":3,"method":"shutdown"}`)
	read()
	send(`{"jsonrpc":"2.0","method":"exit"}`)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("stdio daemon did not exit on exit")
	}
}

// TestSocatNDJSON is the shell user's path: one JSON message per line
// through socat, malformed lines included.
func TestSocatNDJSON(t *testing.T) {
	socat, err := exec.LookPath("socat")
	if err != nil {
		t.Skip("socat not installed (.ci/run installs it): ", err)
	}
	d := startDaemon(t, nil)
	input := strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"method":"daemon/status"}`,
		`{oops`,
		`{"jsonrpc":"2.0","id":2,"method":"jq/eval","params":{"expression":".x","input":{"x":"hi"}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"nope"}`,
	}, "\n") + "\n"
	cmd := exec.Command("sh", "-c", `"$0" -t 10 - UNIX-CONNECT:"$1"`, socat, d.socket)
	cmd.Stdin = strings.NewReader(input)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("socat: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 4 replies, got %d:\n%s", len(lines), out)
	}
	byID := map[string]string{}
	for _, l := range lines {
		var m struct {
			ID json.RawMessage `json:"id"`
		}
		json.Unmarshal([]byte(l), &m)
		byID[string(m.ID)] = l
	}
	if !strings.Contains(byID["1"], `"pid"`) || !strings.Contains(byID["2"], `"result":"hi"`) ||
		!strings.Contains(byID["3"], `-32601`) || !strings.Contains(byID["null"], `-32700`) {
		t.Fatalf("replies:\n%s", out)
	}
}

func TestCallCommand(t *testing.T) {
	d := startDaemon(t, nil)
	sock := "--socket=" + d.socket
	cases := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"json", "", []string{"call", sock, "jq/eval", `{"expression":"{a:1}"}`}, 0, "{\n  \"a\": 1\n}\n", ""},
		{"stdin params", `{"expression":"[1,2]"}`, []string{"call", sock, "jq/eval", "-"}, 0, "[\n  1,\n  2\n]\n", ""},
		{"yaml", "", []string{"call", sock, "-o", "yaml", "jq/eval", `{"expression":"{b:[1],a:\"x\"}"}`}, 0, "a: x\nb:\n    - 1\n", ""},
		{"jq raw", "", []string{"call", sock, "--jq", ".[]", "-r", "jq/eval", `{"expression":"[\"x\",2]"}`}, 0, "x\n2\n", ""},
		{"yaml with jq", "", []string{"call", sock, "-o", "yaml", "--jq", ".a", "jq/eval", `{"expression":"{a:{b:1}}"}`}, 0, "b: 1\n", ""},
		{"text string", "", []string{"call", sock, "-o", "text", "jq/eval", `{"expression":".[]","input":["x","y"],"rawOutput":true}`}, 0, "x\ny\n", ""},
		{"text object", "", []string{"call", sock, "-o", "text", "jq/eval", `{"expression":"{a:1}"}`}, 0, "{\n  \"a\": 1\n}\n", ""},
		{"text with jq", "", []string{"call", sock, "-o", "text", "--jq", ".", "daemon/status"}, 2, "", "--jq is only supported with --output json or --output yaml"},
		{"rpc error", "", []string{"call", sock, "jq/eval", `{"expression":".a |"}`}, 1, "", "Error: invalid jq expression: unexpected EOF\n"},
		{"bad params", "", []string{"call", sock, "jq/eval", `{"expr":"."}`}, 1, "", `unknown field "expr"`},
		{"invalid json", "", []string{"call", sock, "jq/eval", `{nope`}, 2, "", "PARAMS is not valid JSON"},
		{"bad output", "", []string{"call", sock, "-o", "helm", "daemon/status"}, 2, "", `invalid value "helm" for --output, must be one of [json yaml text]`},
		{"raw without jq", "", []string{"call", sock, "-r", "daemon/status"}, 2, "", "--jq-raw-output requires --jq"},
		{"bad jq", "", []string{"call", sock, "--jq", ".[", "daemon/status"}, 2, "", "invalid jq expression"},
		{"no method", "", []string{"call", sock}, 2, "", "accepts between 1 and 2 arg(s)"},
		{"unknown flag", "", []string{"call", sock, "--bogus", "daemon/status"}, 2, "", "unknown flag: --bogus"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.stdin, nil, tc.args...)
			if r.code != tc.code || (tc.stdout != "" && r.stdout != tc.stdout) || !strings.Contains(r.stderr, tc.stderr) {
				t.Fatalf("want exit %d, stdout %q, stderr containing %q; got %s", tc.code, tc.stdout, tc.stderr, r)
			}
		})
	}
}

// TestAutoStartIsRaceFree starts many clients at once with no daemon
// running: all must succeed and talk to the same single daemon.
func TestAutoStartIsRaceFree(t *testing.T) {
	sock := filepath.Join(sockDir(t), "konnectd.sock")
	const n = 8
	pids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := run(t, "", nil, "call", "--socket", sock, "daemon/status", "--jq", ".pid", "-r")
			if r.code != 0 {
				t.Errorf("client %d: %s", i, r)
			}
			pids[i] = strings.TrimSpace(r.stdout)
		}()
	}
	wg.Wait()
	for _, p := range pids[1:] {
		if p != pids[0] {
			t.Fatalf("clients reached different daemons: %v", pids)
		}
	}
	pid, err := strconv.Atoi(pids[0])
	if err != nil {
		t.Fatalf("pid %q", pids[0])
	}
	p, _ := os.FindProcess(pid)
	t.Cleanup(func() { p.Signal(syscall.SIGTERM) })
	// --no-start against a socket with no daemon is an error, not a start.
	r := run(t, "", nil, "call", "--no-start", "--socket", filepath.Join(sockDir(t), "x.sock"), "daemon/status")
	if r.code != 1 || !strings.Contains(r.stderr, "no konnectd daemon is running") {
		t.Fatalf("--no-start: %s", r)
	}
}

func TestOneDaemonPerSocketAndStaleSocket(t *testing.T) {
	d := startDaemon(t, nil)
	r := run(t, "", nil, "serve", "--socket", d.socket)
	if r.code != 1 || !strings.Contains(r.stderr, "already running") {
		t.Fatalf("second daemon: %s", r)
	}
	// A konnectd holds the lock: no talk of a service manager.
	if strings.Contains(r.stderr, "socket-activated") {
		t.Fatalf("second daemon blames socket activation: %s", r)
	}
	// The refused one left the live daemon's socket alone.
	if err := d.dial(t).Call(context.Background(), "daemon/status", nil, nil); err != nil {
		t.Fatalf("first daemon after a refused second: %v", err)
	}
	// A daemon killed hard leaves its socket file; the next one removes it.
	d.cmd.Process.Kill()
	<-d.exited
	if _, err := os.Stat(d.socket); err != nil {
		t.Fatalf("expected a stale socket file: %v", err)
	}
	d2 := startDaemonAt(t, d.socket, nil)
	if err := d2.dial(t).Call(context.Background(), "daemon/status", nil, nil); err != nil {
		t.Fatal(err)
	}
}

func TestUnsafeSocketDirectoryRefused(t *testing.T) {
	base := filepath.Dir(sockDir(t))
	open := filepath.Join(base, "open")
	os.Mkdir(open, 0o755)
	os.Chmod(open, 0o755)
	target := filepath.Join(base, "target")
	os.Mkdir(target, 0o700)
	link := filepath.Join(base, "link")
	os.Symlink(target, link)
	cases := map[string]struct{ dir, want string }{
		"group/world accessible": {open, "lets other users in"},
		"symlink":                {link, "is a symlink"},
	}
	if os.Getuid() == 0 {
		other := filepath.Join(base, "other")
		os.Mkdir(other, 0o700)
		os.Chown(other, 65534, 65534)
		cases["owned by another user"] = struct{ dir, want string }{other, "owned by uid 65534"}
	} else {
		t.Log("not root: the other-owner case needs chown and is skipped")
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := run(t, "", nil, "serve", "--socket", filepath.Join(tc.dir, "k.sock"))
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("%s", r)
			}
		})
	}
	long := filepath.Join(base, strings.Repeat("x", 120), "k.sock")
	if r := run(t, "", nil, "serve", "--socket", long); r.code != 1 || !strings.Contains(r.stderr, "this platform allows at most 107") {
		t.Fatalf("long path: %s", r)
	}
}

// TestOtherUIDRefused opens the socket's permissions wide and connects as
// nobody, without konnectd's client checks (its own client would refuse
// the root-owned directory first): the daemon must still refuse, because
// it checks the peer's uid. Each refused client reads one line saying why;
// a burst of them is logged once, not once per connection.
func TestOtherUIDRefused(t *testing.T) {
	u := asNobody(t)
	d := startDaemon(t, nil)
	// Make every path element reachable by anyone: the mode bits no longer
	// protect the socket, only the peer check does.
	var opened []string
	for p := filepath.Dir(d.socket); p != "/" && p != os.TempDir(); p = filepath.Dir(p) {
		os.Chmod(p, 0o777)
		opened = append(opened, p)
	}
	os.Chmod(d.socket, 0o777)
	const n = 300
	lines := refusedByDaemon(t, u, d.socket, n)
	if len(lines) != n {
		t.Fatalf("%d connections, %d lines back", n, len(lines))
	}
	for _, l := range lines {
		wantRefusalLine(t, l, u.uid)
	}
	waitLog(t, d, "refused connection")
	if !strings.Contains(d.logs(), "peer_uid="+u.uid) {
		t.Fatalf("log does not name the uid:\n%s", d.logs())
	}
	if got := strings.Count(d.logs(), "refused connection"); got != 1 {
		t.Fatalf("%d refused connects gave %d log lines, want 1 (the rest are counted per interval):\n%s", n, got, d.logs())
	}
	// Our own user still gets in, once the directory is private again (our
	// client checks it).
	for _, p := range opened {
		os.Chmod(p, 0o700)
	}
	if err := d.dial(t).Call(context.Background(), "daemon/status", nil, nil); err != nil {
		t.Fatal(err)
	}
}

func TestIdleTimeoutRemovesSocket(t *testing.T) {
	d := startDaemon(t, nil, "--idle-timeout", "300ms")
	c := d.dial(t)
	c.Call(context.Background(), "daemon/status", nil, nil)
	c.Close()
	d.exitedClean(t, "after its idle timeout")
}

// TestSIGTERMDrains sends SIGTERM while a request runs: the request still
// gets its answer, and the socket is removed.
func TestSIGTERMDrains(t *testing.T) {
	d := startDaemon(t, nil)
	slowAnswer := runningSlowRequest(t, d)
	d.cmd.Process.Signal(syscall.SIGTERM)
	if all := slowAnswer(); !strings.Contains(all, `"id":"slow","result":1500000`) {
		t.Fatalf("in-flight request during drain: %s", all)
	}
	d.exitedClean(t, "after SIGTERM")
}

// runningSlowRequest sends d a jq/eval that takes a while and returns once
// it is running, with a function that reads until its answer has come and
// returns every line read. Requests start in arrival order, so a probe's
// reply proves the slow one is running (or done); a sleep would only make
// that likely.
func runningSlowRequest(t *testing.T, d *daemon) (slowAnswer func() string) {
	t.Helper()
	c, r := d.dialRaw(t)
	fmt.Fprintln(c, `{"jsonrpc":"2.0","id":"slow","method":"jq/eval","params":{"expression":"reduce range(1500000) as $i (0; . + 1)"}}`)
	fmt.Fprintln(c, `{"jsonrpc":"2.0","id":"probe","method":"daemon/status"}`)
	var lines []string
	readUntil := func(id string) string {
		for !strings.Contains(strings.Join(lines, ""), `"id":"`+id+`"`) {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("waiting for the answer to %q: %v (read %q)", id, err, lines)
			}
			lines = append(lines, line)
		}
		return strings.Join(lines, "")
	}
	readUntil("probe")
	return func() string { return readUntil("slow") }
}

// TestStdioSIGTERMDrains: a stdio daemon told to stop still answers the
// request it is running before it exits.
func TestStdioSIGTERMDrains(t *testing.T) {
	cmd := exec.Command(bin, "serve", "--stdio")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	r := bufio.NewReader(stdout)
	fmt.Fprintln(stdin, `{"jsonrpc":"2.0","id":"slow","method":"jq/eval","params":{"expression":"reduce range(1500000) as $i (0; . + 1)"}}`)
	fmt.Fprintln(stdin, `{"jsonrpc":"2.0","id":"probe","method":"daemon/status"}`)
	var out strings.Builder
	for !strings.Contains(out.String(), `"probe"`) {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("before SIGTERM: %v (%s)\n%s", err, out.String(), stderr)
		}
		out.WriteString(line)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	rest, _ := io.ReadAll(r)
	out.Write(rest)
	if !strings.Contains(out.String(), `"id":"slow","result":1500000`) {
		t.Fatalf("in-flight request lost on SIGTERM: %s\n%s", out.String(), stderr)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, stderr)
	}
}

// TestSIGINTDrainIsBounded: a request that outlives --drain-timeout is
// cut off with a -32800 reply (not a bare close), the daemon exits cleanly
// and removes its socket. Were the drain unbounded, the request would run
// to jq's own 5 s limit and its reply would be a -32040 timeout.
func TestSIGINTDrainIsBounded(t *testing.T) {
	d := startDaemon(t, nil, "--drain-timeout", "200ms")
	c, r := d.dialRaw(t)
	// Requests start in arrival order, so the status reply proves the
	// endless one before it is running.
	fmt.Fprintln(c, `{"jsonrpc":"2.0","id":"slow","method":"jq/eval","params":{"expression":"last(range(1e15))"}}`)
	fmt.Fprintln(c, `{"jsonrpc":"2.0","id":"probe","method":"daemon/status"}`)
	if line, err := r.ReadString('\n'); err != nil || !strings.Contains(line, `"probe"`) {
		t.Fatalf("probe: %q, %v", line, err)
	}
	d.cmd.Process.Signal(os.Interrupt)
	if line, err := r.ReadString('\n'); err != nil || !strings.Contains(line, `"id":"slow"`) ||
		!strings.Contains(line, `"code":-32800`) || !strings.Contains(line, "drain timeout (200ms)") {
		t.Fatalf("the request cut off by the drain: %q, %v; want a -32800 reply", line, err)
	}
	if line, err := r.ReadString('\n'); err == nil {
		t.Fatalf("a second reply after the cut-off: %s", line)
	}
	d.exitedClean(t, "after SIGINT")
	if !strings.Contains(d.logs(), "drain timeout") {
		t.Fatalf("drain timeout not logged:\n%s", d.logs())
	}
}

// TestMaxMessageSizeFlag: --max-message-size reaches the socket's reader;
// a message over it is refused and the connection carries on.
func TestMaxMessageSizeFlag(t *testing.T) {
	d := startDaemon(t, nil, "--max-message-size", "1024")
	c, r := d.dialRaw(t)
	big := `{"jsonrpc":"2.0","id":1,"method":"jq/eval","params":{"expression":".","input":"` + strings.Repeat("x", 4096) + `"}}`
	go fmt.Fprintf(c, "%s\n%s\n", big, `{"jsonrpc":"2.0","id":2,"method":"jq/eval","params":{"expression":"1"}}`)
	if line, _ := r.ReadString('\n'); !strings.Contains(line, `-32600`) || !strings.Contains(line, "exceeds the limit of 1024 bytes") {
		t.Fatalf("oversized: %q", line)
	}
	if line, _ := r.ReadString('\n'); !strings.Contains(line, `"id":2`) || !strings.Contains(line, `"result":1`) {
		t.Fatalf("next message: %q", line)
	}
}

func TestSecretsRedactedInRepliesAndLogs(t *testing.T) {
	d := startDaemon(t, nil, "--log-level", "debug")
	secret := "kpat_" + strings.Repeat("Zq9", 16) + "x"
	r := run(t, "", nil, "call", "--socket", d.socket, "jq/eval", `{"expression":"error(\"`+secret+`\")"}`)
	if r.code != 1 || strings.Contains(r.stderr, secret) || !strings.Contains(r.stderr, "[REDACTED]") {
		t.Fatalf("%s", r)
	}
	if strings.Contains(d.logs(), secret) {
		t.Fatal("daemon log holds the secret")
	}
	// The CLI's own errors too: a token pasted into the wrong flag is
	// quoted by the flag parser, and must not reach stderr.
	for _, args := range [][]string{
		{"call", "--socket", d.socket, "-o", secret, "daemon/status"},
		{"serve", "--socket", d.socket, "--idle-timeout", secret},
	} {
		r := run(t, "", nil, args...)
		if r.code != 2 || strings.Contains(r.stderr, secret) || !strings.Contains(r.stderr, "[REDACTED]") {
			t.Fatalf("konnectd %s with a token in a flag: %s", args[0], r)
		}
	}
}

func TestManyClients(t *testing.T) {
	d := startDaemon(t, nil)
	const clients, requests = 20, 100
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := rpc.Dial(context.Background(), d.socket, nil)
			if err != nil {
				mu.Lock()
				failures = append(failures, err.Error())
				mu.Unlock()
				return
			}
			defer c.Close()
			for j := range requests {
				var got float64
				err := c.Call(context.Background(), "jq/eval", map[string]any{"expression": ". + 1", "input": i*1000 + j}, &got)
				if err != nil || got != float64(i*1000+j+1) {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("client %d req %d: %v %v", i, j, got, err))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d failures, first: %s", len(failures), failures[0])
	}
}

// TestStopCommand: konnectd stop ends the daemon as SIGTERM does (a request
// already running still gets its answer, the socket is removed, the
// process exits 0), says so, and succeeds without starting one when none
// runs.
func TestStopCommand(t *testing.T) {
	d := startDaemon(t, nil)
	slowAnswer := runningSlowRequest(t, d)
	res := run(t, "", nil, "stop", "--socket", d.socket)
	want := fmt.Sprintf("stopped konnectd (pid %d) on %s\n", d.cmd.Process.Pid, d.socket)
	if res.code != 0 || res.stdout != want {
		t.Fatalf("stop: %s\nwant stdout %q", res, want)
	}
	if all := slowAnswer(); !strings.Contains(all, `"id":"slow","result":1500000`) {
		t.Fatalf("the running request lost its answer: %s", all)
	}
	d.exitedClean(t, "after konnectd stop")
	if logs := d.logs(); !strings.Contains(logs, "a client called daemon/stop") {
		t.Fatalf("log does not say why it stopped:\n%s", logs)
	}

	// Nothing runs now: stop says so, succeeds, and starts nothing.
	res = run(t, "", nil, "stop", "--socket", d.socket)
	if res.code != 0 || res.stdout != "" || !strings.Contains(res.stderr, "no konnectd daemon is running on "+d.socket) {
		t.Fatalf("second stop: %s", res)
	}
	if _, err := os.Lstat(d.socket); !os.IsNotExist(err) {
		t.Fatalf("stop started a daemon: %v", err)
	}
}

// TestDaemonOfAnotherVersionIsNamed: after an upgrade, the daemon still
// running is the old binary. Client commands say so on stderr (stdout
// untouched) and name the remedy; konnectd stop ends it without the
// warning, and the daemon the next command starts is quiet.
func TestDaemonOfAnotherVersionIsNamed(t *testing.T) {
	old := filepath.Join(t.TempDir(), "konnectd-old")
	_, file, _, _ := runtime.Caller(0)
	build := exec.Command("go", "build", "-ldflags", "-X github.com/konnectd/konnectd/internal/version.Version=v0.0.1-old", "-o", old, "./cmd/konnectd")
	build.Dir = filepath.Dir(filepath.Dir(file))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the old konnectd: %v\n%s", err, out)
	}
	sock := filepath.Join(sockDir(t), "konnectd.sock")
	d := exec.Command(old, "serve", "--socket", sock, "--log-file", filepath.Join(filepath.Dir(filepath.Dir(sock)), "old.log"))
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- d.Wait() }()
	t.Cleanup(func() { d.Process.Kill() })

	var r result
	for end := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if r = run(t, "", nil, "call", "--no-start", "--socket", sock, "daemon/status", "--jq", ".version", "-r"); r.code == 0 || time.Now().After(end) {
			break
		}
	}
	if r.code != 0 || r.stdout != "v0.0.1-old\n" ||
		!strings.Contains(r.stderr, "Warning: the running daemon is konnectd v0.0.1-old and this is dev; 'konnectd stop' ends it") {
		t.Fatalf("call on an old daemon: %s", r)
	}
	if r = run(t, "", nil, "stop", "--socket", sock); r.code != 0 || r.stderr != "" {
		t.Fatalf("stop: %s", r)
	}
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatal("old daemon still running after konnectd stop")
	}
	// The next command starts this version's daemon: no warning.
	if r = run(t, "", nil, "call", "--socket", sock, "daemon/status", "--jq", ".version", "-r"); r.code != 0 || r.stdout != "dev\n" || r.stderr != "" {
		t.Fatalf("call after stop: %s", r)
	}
	run(t, "", nil, "stop", "--socket", sock)
}
