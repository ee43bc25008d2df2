package e2e

import (
	"bufio"
	"errors"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/konnectd/konnectd/internal/redact"
)

// otherUser runs commands as nobody, for the tests where another user on
// the machine is the attacker (or the refused client). The tests run as
// root, so "ours" means uid 0 and nobody (65534) is a different uid: the
// victim's checks compare with its own uid, never with "is root".
type otherUser struct {
	setpriv  string
	uid, gid string
}

func asNobody(t *testing.T) otherUser {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("needs root to run a process as another user (CI runs as root)")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv not installed: ", err)
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody: ", err)
	}
	return otherUser{setpriv: setpriv, uid: nobody.Uid, gid: nobody.Gid}
}

func (u otherUser) command(name string, args ...string) *exec.Cmd {
	return exec.Command(u.setpriv, append([]string{"--reuid=" + u.uid, "--regid=" + u.gid, "--clear-groups", name}, args...)...)
}

var (
	rawpeerOnce sync.Once
	rawpeerPath string
	rawpeerErr  error
)

// rawpeer builds e2e/rawpeer beside the konnectd binary (a directory
// other users may enter) the first time a test needs it.
func rawpeer(t *testing.T) string {
	t.Helper()
	rawpeerOnce.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		rawpeerPath = filepath.Join(filepath.Dir(bin), "rawpeer")
		build := exec.Command("go", "build", "-o", rawpeerPath, "./rawpeer")
		build.Dir = filepath.Dir(file)
		out, err := build.CombinedOutput()
		if err != nil {
			rawpeerErr = errors.New(string(out))
		}
	})
	if rawpeerErr != nil {
		t.Fatal("build rawpeer: ", rawpeerErr)
	}
	return rawpeerPath
}

// sink is another user's listener that records every byte it receives.
type sink struct {
	path string
	out  *bufio.Reader
	got  strings.Builder
}

func startSink(t *testing.T, u otherUser, path string) *sink {
	t.Helper()
	cmd := u.command(rawpeer(t), "listen", path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	s := &sink{path: path, out: bufio.NewReader(stdout)}
	if line, err := s.out.ReadString('\n'); line != "ready\n" {
		t.Fatalf("sink did not start: %q, %v", line, err)
	}
	return s
}

// received returns everything the sink got from clients so far. It ends
// with a marker connection of its own; the sink serves connections one
// at a time, so once the marker is read every earlier client's bytes are.
func (s *sink) received(t *testing.T) string {
	t.Helper()
	const marker = "\x00sink-marker\x00"
	c, err := net.Dial("unix", s.path)
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte(marker))
	c.Close()
	for !strings.HasSuffix(s.got.String(), marker) {
		b, err := s.out.ReadByte()
		if err != nil {
			t.Fatalf("sink output ended: %v (so far %q)", err, redact.String(s.got.String()))
		}
		s.got.WriteByte(b)
	}
	return strings.TrimSuffix(s.got.String(), marker)
}

// victimEnv makes the default socket path $TMPDIR/konnectd-<uid>/ (no
// XDG_RUNTIME_DIR, no KONNECTD_SOCKET) and gives the client a credential
// in its environment that must never reach the attacker.
func victimEnv(tmp string) []string {
	return []string{
		"XDG_RUNTIME_DIR=", "KONNECTD_SOCKET=", "TMPDIR=" + tmp,
		"KONGCTL_DEFAULT_KONNECT_PAT=kpat_" + strings.Repeat("V", 46),
	}
}

// victimCommands are the client faces that dial the daemon; each must
// refuse the socket before sending a byte.
var victimCommands = []struct {
	stdin string
	args  []string
}{
	{"kpat_" + strings.Repeat("L", 46) + "\n", []string{"login"}},
	{"", []string{"get", "me"}},
	{"", []string{"exec", "--", "true"}},
	{"", []string{"call", "daemon/status"}},
	{"", []string{"stop"}},
}

// attackTmp is a TMPDIR other users can enter, as /tmp is.
func attackTmp(t *testing.T) string {
	t.Helper()
	tmp, err := os.MkdirTemp("", "kd-atk-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	os.Chmod(tmp, 0o1777)
	return tmp
}

// TestClientRefusesForeignSocketDir is the attack of issue 19: another
// user pre-creates $TMPDIR/konnectd-<uid>/ (0777, theirs) and listens in
// it. Every client must refuse, naming the directory and its owner, and
// the listener must receive nothing at all.
func TestClientRefusesForeignSocketDir(t *testing.T) {
	u := asNobody(t)
	tmp := attackTmp(t)
	dir := filepath.Join(tmp, "konnectd-"+strconv.Itoa(os.Getuid()))
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.uid)
	gid, _ := strconv.Atoi(u.gid)
	os.Chown(dir, uid, gid)
	os.Chmod(dir, 0o777)
	s := startSink(t, u, filepath.Join(dir, "konnectd.sock"))

	for _, vc := range victimCommands {
		r := run(t, vc.stdin, victimEnv(tmp), vc.args...)
		want := "refusing socket directory " + dir + ": owned by uid " + u.uid
		if r.code == 0 || !strings.Contains(r.stderr, want) {
			t.Errorf("%v: want a refusal naming %q:\n%s", vc.args, want, r)
		}
	}
	if got := s.received(t); got != "" {
		t.Fatalf("the other user's listener received %d bytes: %q", len(got), redact.String(got))
	}
}

// TestClientRefusesForeignListener: the directory is ours and private,
// but the process listening on the socket in it runs as another user
// (root can put it there; so can a symlink). The peer's credentials on
// the connected socket decide: every client refuses, naming the socket
// and the listener's uid, and sends nothing.
func TestClientRefusesForeignListener(t *testing.T) {
	u := asNobody(t)
	tmp := attackTmp(t)
	dir := filepath.Join(tmp, "konnectd-"+strconv.Itoa(os.Getuid()))
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// Let nobody bind inside for a moment, then make the directory
	// private again: it passes the directory check.
	os.Chmod(dir, 0o777)
	sock := filepath.Join(dir, "konnectd.sock")
	s := startSink(t, u, sock)
	os.Chmod(dir, 0o700)

	for _, vc := range victimCommands {
		r := run(t, vc.stdin, victimEnv(tmp), vc.args...)
		want := "refusing socket " + sock + ": it is served by uid " + u.uid
		if r.code == 0 || !strings.Contains(r.stderr, want) {
			t.Errorf("%v: want a refusal naming %q:\n%s", vc.args, want, r)
		}
	}
	// serve must not take the socket over either.
	if r := run(t, "", victimEnv(tmp), "serve", "--socket", sock); r.code == 0 || !strings.Contains(r.stderr, "served by uid "+u.uid) {
		t.Errorf("serve on another user's live socket: %s", r)
	}
	if got := s.received(t); got != "" {
		t.Fatalf("the other user's listener received %d bytes: %q", len(got), redact.String(got))
	}
}

// refusedByDaemon connects to socket as u n times without konnectd's
// checks and returns the lines the daemon sent before closing each.
func refusedByDaemon(t *testing.T, u otherUser, socket string, n int) []string {
	t.Helper()
	out, err := u.command(rawpeer(t), "dial", socket, strconv.Itoa(n)).Output()
	if err != nil {
		t.Fatalf("rawpeer dial: %v\n%s", err, out)
	}
	lines := strings.SplitAfter(string(out), "\n")
	return lines[:len(lines)-1]
}

// wantRefusalLine checks the one-line reason a refused client gets.
func wantRefusalLine(t *testing.T, line, uid string) {
	t.Helper()
	if !strings.HasPrefix(line, `{"jsonrpc":"2.0","id":null,"error":{"code":-32002,"message":"konnectd refused this connection: peer uid `+uid+` is not the daemon's uid`) ||
		!strings.HasSuffix(line, "}\n") || strings.Count(line, "\n") != 1 {
		t.Fatalf("refused client got %q", line)
	}
}

// waitLog waits for the daemon's log to contain s.
func waitLog(t *testing.T, d *daemon, s string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(d.logs(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("log never said %q:\n%s", s, d.logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeChecksSocketBeforeCore: serve refuses an unsafe socket
// directory before it builds the core (watches the config, opens the
// keychain): the config here names a keychain that does not exist, which
// building the core would report instead.
func TestServeChecksSocketBeforeCore(t *testing.T) {
	base := filepath.Dir(sockDir(t))
	dir := filepath.Join(base, "open")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777)
	cfg := filepath.Join(base, "config.yaml")
	if err := os.WriteFile(cfg, []byte("default:\n  konnectd:\n    keychain: no-such-keychain\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", nil, "serve", "--socket", filepath.Join(dir, "k.sock"), "--config-file", cfg)
	if r.code == 0 || !strings.Contains(r.stderr, "refusing socket directory "+dir) || strings.Contains(r.stderr, "no-such-keychain") {
		t.Fatalf("serve in an open directory with a broken config: %s", r)
	}
}

// TestUnprivilegedClientRefusesRootsSocket turns the roles round: the
// victim is nobody and the directory and listener are root's. "Ours"
// is the client's own uid, not "root or me": root's socket is refused too.
func TestUnprivilegedClientRefusesRootsSocket(t *testing.T) {
	u := asNobody(t)
	tmp := attackTmp(t)
	dir := filepath.Join(tmp, "konnectd-"+u.uid)
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777)
	sock := filepath.Join(dir, "konnectd.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	os.Chmod(sock, 0o777)
	accepted := make(chan int, 1)
	go func() {
		n := 0
		for {
			c, err := l.Accept()
			if err != nil {
				accepted <- n
				return
			}
			n++
			c.Close()
		}
	}()
	for _, vc := range victimCommands {
		cmd := u.command(bin, vc.args...)
		cmd.Env = append(os.Environ(), victimEnv(tmp)...)
		cmd.Stdin = strings.NewReader(vc.stdin)
		out, _ := cmd.CombinedOutput()
		want := "refusing socket directory " + dir + ": owned by uid 0, not by you (uid " + u.uid + ")"
		if cmd.ProcessState.ExitCode() == 0 || !strings.Contains(string(out), want) {
			t.Errorf("%v as nobody: want %q, got:\n%s", vc.args, want, redact.String(string(out)))
		}
	}
	l.Close()
	if n := <-accepted; n != 0 {
		t.Fatalf("nobody's clients connected to root's listener %d times", n)
	}
}
