package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/rpc"
)

// bin is the konnectd binary under test, built once by TestMain.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "konnectd-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Other users must be able to run it (the peer-uid test runs a client
	// as nobody).
	os.Chmod(dir, 0o755)
	bin = filepath.Join(dir, "konnectd")
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(file))
	build := exec.Command("go", "build", "-o", bin, "./cmd/konnectd")
	build.Dir = root
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build konnectd:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sockDir returns a fresh private directory for a socket. Paths stay short:
// a Unix socket path has a 108-byte limit.
func sockDir(t testing.TB) string {
	t.Helper()
	d, err := os.MkdirTemp("", "kd-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return filepath.Join(d, "s")
}

// lockedBuffer collects a child's output safely.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// daemon is a running "konnectd serve".
type daemon struct {
	socket string
	log    string
	cmd    *exec.Cmd
	stderr *lockedBuffer
	exited chan struct{}
	err    error
}

// startDaemon runs konnectd serve on a fresh socket, with its log in a
// file, and waits until it answers.
func startDaemon(t testing.TB, env []string, args ...string) *daemon {
	t.Helper()
	return startDaemonAt(t, filepath.Join(sockDir(t), "konnectd.sock"), env, args...)
}

// startDaemonAt is startDaemon on a given socket path.
func startDaemonAt(t testing.TB, socket string, env []string, args ...string) *daemon {
	t.Helper()
	d := &daemon{socket: socket, log: filepath.Join(filepath.Dir(filepath.Dir(socket)), "daemon.log")}
	all := append([]string{"serve", "--socket", d.socket, "--log-file", d.log}, args...)
	d.cmd = exec.Command(bin, all...)
	d.cmd.Env = append(os.Environ(), env...)
	d.stderr = &lockedBuffer{}
	d.cmd.Stderr = d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d.exited = make(chan struct{})
	go func() { d.err = d.cmd.Wait(); close(d.exited) }()
	t.Cleanup(func() { d.stop(t) })
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := rpc.Dial(context.Background(), d.socket, nil)
		if err == nil {
			c.Close()
			return d
		}
		select {
		case <-d.exited:
			t.Fatalf("daemon exited early: %v\n%s", d.err, d.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("daemon did not listen on %s: %v", d.socket, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits for the daemon to exit, then checks that
// its log holds no secret.
func (d *daemon) stop(t testing.TB) {
	t.Helper()
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.exited:
	case <-time.After(30 * time.Second):
		d.cmd.Process.Kill()
		<-d.exited
		t.Errorf("daemon ignored SIGTERM")
	}
	if logs := d.logs(); redact.Contains(logs) {
		t.Errorf("daemon log leaks a secret:\n%s", redact.String(logs))
	}
}

func (d *daemon) logs() string {
	b, _ := os.ReadFile(d.log)
	return string(b) + d.stderr.String()
}

func (d *daemon) dial(t testing.TB) *rpc.Client {
	t.Helper()
	c, err := rpc.Dial(context.Background(), d.socket, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// exitedClean waits for the daemon to exit on its own (after what), and
// checks that it exited 0 and removed its socket.
func (d *daemon) exitedClean(t testing.TB, after string) {
	t.Helper()
	select {
	case <-d.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("daemon still running %s", after)
	}
	if d.err != nil {
		t.Fatalf("daemon exit %s: %v\n%s", after, d.err, d.logs())
	}
	if _, err := os.Lstat(d.socket); !os.IsNotExist(err) {
		t.Fatalf("socket left behind %s: %v", after, err)
	}
}

// dialRaw connects to the daemon's socket without a JSON-RPC client, for
// tests that write NDJSON themselves; a minute's deadline keeps a hung
// daemon from hanging the test.
func (d *daemon) dialRaw(t testing.TB) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("unix", d.socket)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(60 * time.Second))
	return c, bufio.NewReader(c)
}

// result of running the konnectd binary as a client.
type result struct {
	stdout, stderr string
	code           int
}

// run executes konnectd with args, stdin and extra env; it never fails the
// test itself, so callers can assert on exit codes.
func run(t testing.TB, stdin string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run konnectd %v: %v", args, err)
	}
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// String shows a result in a failure message, redacted: test output must
// never hold a secret, even when a test fails.
func (r result) String() string {
	return redact.String(fmt.Sprintf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr))
}
