package e2e

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/konnectd/konnectd/rpc"
)

// The tests in this file play systemd: they create the listening socket,
// hand it to the built binary as fd 3 with LISTEN_FDS=1 and LISTEN_PID set
// to the child's own pid (known only once it runs, hence the sh wrapper that
// execs konnectd in its own process), and keep their copy of the socket
// open, as the service manager does, across daemon restarts.

// managerSocket is a listening socket held by the test, as systemd holds
// konnectd.socket: a private directory, mode 0600, and a file the daemon
// must never remove.
func managerSocket(t *testing.T) (path string, f *os.File) {
	t.Helper()
	dir := sockDir(t)
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, "konnectd.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err = l.File()
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	t.Cleanup(func() { f.Close() })
	return path, f
}

// activated starts "konnectd serve args…" with f passed as fd 3. pid is the
// shell expression LISTEN_PID is set to: "$$" is the daemon itself.
func activated(t *testing.T, f *os.File, pid string, args ...string) *daemon {
	t.Helper()
	d := &daemon{log: filepath.Join(t.TempDir(), "daemon.log")}
	all := append([]string{"-c", `LISTEN_PID=` + pid + ` exec "$0" "$@"`, bin, "serve", "--log-file", d.log}, args...)
	d.cmd = exec.Command("sh", all...)
	d.cmd.Env = append(os.Environ(), "LISTEN_FDS=1", "LISTEN_FDNAMES=konnectd.socket")
	d.cmd.ExtraFiles = []*os.File{f}
	d.stderr = &lockedBuffer{}
	d.cmd.Stderr = d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d.exited = make(chan struct{})
	go func() { d.err = d.cmd.Wait(); close(d.exited) }()
	t.Cleanup(func() { d.stop(t) })
	return d
}

// status calls daemon/status on path, waiting for a daemon to answer.
func status(t *testing.T, d *daemon, path string) rpc.Status {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		st, err := callStatus(ctx, path)
		if err == nil {
			return st
		}
		select {
		case <-d.exited:
			t.Fatalf("daemon exited: %v\n%s", d.err, d.logs())
		case <-ctx.Done():
			t.Fatalf("no answer on %s: %v\n%s", path, err, d.logs())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// callStatus asks for daemon/status once. A socket nobody accepts on still
// takes connections into its backlog, and rpc.Client.Call waits for a
// reply after ctx ends; closing the client when ctx ends bounds the wait.
func callStatus(ctx context.Context, path string) (rpc.Status, error) {
	var st rpc.Status
	c, err := rpc.Dial(ctx, path, nil)
	if err != nil {
		return st, err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	err = c.Call(ctx, "daemon/status", nil, &st)
	return st, err
}

func TestActivationServesInheritedSocket(t *testing.T) {
	path, f := managerSocket(t)
	// --socket names another path: the inherited socket wins, and nothing
	// may appear at the other path.
	other := filepath.Join(filepath.Dir(path), "other.sock")
	d := activated(t, f, "$$", "--socket", other, "--idle-timeout", "0")
	st := status(t, d, path)
	if st.PID != d.cmd.Process.Pid || st.Socket != path {
		t.Fatalf("status %+v, want pid %d on %s", st, d.cmd.Process.Pid, path)
	}
	if _, err := os.Lstat(other); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("daemon also created %s: %v", other, err)
	}
	d.stop(t)
	if d.err != nil {
		t.Fatalf("exit: %v\n%s", d.err, d.logs())
	}
	// systemd owns the socket: it outlives the daemon, and the daemon took
	// no lock beside it.
	if fi, err := os.Lstat(path); err != nil || fi.Mode().Type() != os.ModeSocket {
		t.Fatalf("socket file after exit: %v, %v", fi, err)
	}
	if _, err := os.Lstat(path + ".lock"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("activated daemon made a lock file: %v", err)
	}
}

// TestActivationIdleExitAndRestart is systemd's cycle: the daemon exits
// when idle, a client connects to the socket that stays open, and the next
// daemon started on the same socket answers the client that was waiting.
func TestActivationIdleExitAndRestart(t *testing.T) {
	path, f := managerSocket(t)
	first := activated(t, f, "$$", "--idle-timeout", "300ms")
	status(t, first, path)
	select {
	case <-first.exited:
	case <-time.After(60 * time.Second):
		t.Fatal("idle activated daemon did not exit")
	}
	if first.err != nil {
		t.Fatalf("idle exit: %v\n%s", first.err, first.logs())
	}
	// No daemon runs, yet the socket still accepts: the connection waits in
	// the backlog for the next one, as it would under systemd.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	type answer struct {
		st  rpc.Status
		err error
	}
	reply := make(chan answer, 1)
	go func() {
		st, err := callStatus(ctx, path)
		reply <- answer{st, err}
	}()
	second := activated(t, f, "$$", "--idle-timeout", "0")
	a := <-reply
	if a.err != nil {
		t.Fatalf("waiting client: %v\n%s", a.err, second.logs())
	}
	st := a.st
	if st.PID != second.cmd.Process.Pid {
		t.Fatalf("answered by pid %d, want the restarted daemon %d", st.PID, second.cmd.Process.Pid)
	}
}

// TestActivationWrongPIDIgnored passes the socket with LISTEN_PID naming
// another process (variables leaked from a parent): the daemon must not
// adopt it and serves on its own socket instead.
func TestActivationWrongPIDIgnored(t *testing.T) {
	_, f := managerSocket(t)
	own := filepath.Join(sockDir(t), "konnectd.sock")
	d := activated(t, f, "$PPID", "--socket", own, "--idle-timeout", "0")
	st := status(t, d, own)
	if st.Socket != own {
		t.Fatalf("status %+v, want socket %s", st, own)
	}
}

// TestActivationLiveSocketNotReplaced starts a plain "konnectd serve" (no
// activation) on the manager's socket while no daemon runs: no konnectd
// holds the lock, but the socket is live, and taking it over as stale would
// cut every client off from the service manager.
func TestActivationLiveSocketNotReplaced(t *testing.T) {
	path, _ := managerSocket(t)
	// A short idle timeout ends a daemon that wrongly took over.
	r := run(t, "", nil, "serve", "--socket", path, "--idle-timeout", "1s")
	if r.code != 1 || !strings.Contains(r.stderr, "already running") || !strings.Contains(r.stderr, "socket-activated") {
		t.Fatalf("serve on a live manager socket: %s", r)
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode().Type() != os.ModeSocket {
		t.Fatalf("manager's socket removed: %v, %v", fi, err)
	}
}

// TestActivationPeerCheck opens the inherited socket to everyone and
// connects as nobody: the peer-uid check applies to inherited sockets too.
func TestActivationPeerCheck(t *testing.T) {
	u := asNobody(t)
	path, f := managerSocket(t)
	d := activated(t, f, "$$", "--idle-timeout", "0")
	status(t, d, path)
	for p := path; p != "/" && p != os.TempDir(); p = filepath.Dir(p) {
		os.Chmod(p, 0o777)
	}
	for _, l := range refusedByDaemon(t, u, path, 1) {
		wantRefusalLine(t, l, u.uid)
	}
	waitLog(t, d, "peer_uid="+u.uid)
}
