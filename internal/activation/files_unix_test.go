//go:build unix

package activation

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The child half of the tests below: run as a fresh process holding the
// passed descriptors, it adopts them, reports what it found on stdout, and
// serves one connection on each listener.
func TestMain(m *testing.M) {
	switch os.Getenv("ACTIVATION_TEST_CHILD") {
	case "listeners":
		child()
		return
	case "files":
		childFiles()
		return
	}
	os.Exit(m.Run())
}

func child() {
	ls, err := UnixListeners()
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(0)
	}
	// The variables must be gone, so our own children do not adopt fd 3.
	for _, k := range []string{EnvPID, EnvFDs, EnvFDNames} {
		if v, ok := os.LookupEnv(k); ok {
			fmt.Printf("error: %s=%s still set\n", k, v)
			os.Exit(0)
		}
	}
	fmt.Printf("listeners: %d\n", len(ls))
	for _, l := range ls {
		c, err := l.Accept()
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(0)
		}
		fmt.Fprintf(c, "hello from %d\n", os.Getpid())
		c.Close()
		l.Close()
	}
}

// childFiles reports each passed descriptor's name and close-on-exec flag.
func childFiles() {
	files, err := Files()
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	var report []string
	for _, f := range files {
		flags, err := unix.FcntlInt(f.Fd(), unix.F_GETFD, 0)
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		report = append(report, fmt.Sprintf("%d=%s cloexec=%t", f.Fd(), f.Name(), flags&unix.FD_CLOEXEC != 0))
	}
	fmt.Println(strings.Join(report, " "))
}

// runChild starts this test binary as the child, with files as fds 3…,
// through sh so LISTEN_PID can name the child's own pid (known only once it
// runs), as systemd does.
func runChild(t *testing.T, mode, pidExpr string, files ...*os.File) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command("sh", "-c", `LISTEN_PID=`+pidExpr+` exec "$0" -test.run='^$'`, os.Args[0])
	cmd.Env = append(os.Environ(), "ACTIVATION_TEST_CHILD="+mode, fmt.Sprintf("LISTEN_FDS=%d", len(files)), "LISTEN_FDNAMES=konnectd.socket")
	cmd.ExtraFiles = files
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, bufio.NewReader(out)
}

func readLine(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("read from child: %v", err)
	}
	return strings.TrimSpace(line)
}

func unixListenerFile(t *testing.T) (path string, f *os.File) {
	t.Helper()
	dir, err := os.MkdirTemp("", "act-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path = filepath.Join(dir, "s.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	f, err = l.File()
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	t.Cleanup(func() { f.Close() })
	return path, f
}

func TestUnixListenerHandedOver(t *testing.T) {
	path, f := unixListenerFile(t)
	cmd, out := runChild(t, "listeners", "$$", f)
	f.Close() // the child holds the only copy now
	if got := readLine(t, out); got != "listeners: 1" {
		t.Fatalf("child: %s", got)
	}
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if want := fmt.Sprintf("hello from %d\n", cmd.Process.Pid); err != nil || line != want {
		t.Fatalf("got %q, %v; want %q", line, err, want)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	// Closing the adopted listener must leave the manager's socket file.
	if _, err := os.Lstat(path); err != nil {
		t.Fatalf("socket file gone after the child closed its listener: %v", err)
	}
}

func TestOtherProcessesDescriptorsIgnored(t *testing.T) {
	_, f := unixListenerFile(t)
	// LISTEN_PID names sh's parent, not the child: the variables leaked
	// from somewhere else and must be ignored (and still unset).
	_, out := runChild(t, "listeners", "$PPID", f)
	if got := readLine(t, out); got != "listeners: 0" {
		t.Fatalf("child: %s", got)
	}
}

func TestNonUnixSocketRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	f, err := l.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, out := runChild(t, "listeners", "$$", f)
	if got := readLine(t, out); !strings.Contains(got, "error: socket activation: konnectd.socket is a tcp socket") {
		t.Fatalf("child: %s", got)
	}
}

func TestDatagramSocketRefused(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	a, b := os.NewFile(uintptr(fds[0]), "a"), os.NewFile(uintptr(fds[1]), "b")
	defer a.Close()
	defer b.Close()
	_, out := runChild(t, "listeners", "$$", a)
	if got := readLine(t, out); !strings.Contains(got, "is not a stream socket") {
		t.Fatalf("child: %s", got)
	}
}

func TestFilesNamedAndCloseOnExec(t *testing.T) {
	_, f := unixListenerFile(t)
	_, g := unixListenerFile(t)
	// Go's exec passes ExtraFiles without close-on-exec; the child must set it.
	_, out := runChild(t, "files", "$$", f, g)
	if got, want := readLine(t, out), "3=konnectd.socket cloexec=true 4=LISTEN_FD_4 cloexec=true"; got != want {
		t.Fatalf("child: %q, want %q", got, want)
	}
}
