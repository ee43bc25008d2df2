package testkeyring

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// startTimeout bounds each wait while starting: generous, because a loaded
// 2-core CI machine can be slow to start daemons, and polling returns as
// soon as they are up.
const startTimeout = 30 * time.Second

// Main starts one private keyring for the test binary, points
// DBUS_SESSION_BUS_ADDRESS at it, removes DISPLAY and WAYLAND_DISPLAY so that
// nothing prompts, runs the tests and stops the keyring. Call it from
// TestMain: os.Exit(testkeyring.Main(m)). When the tools are missing the tests
// run anyway, and Shared skips with the reason.
func Main(m *testing.M) int {
	if why := missing(); why != "" {
		sharedWhy = why
		if k := inherited(); k != nil {
			shared = k
		}
		return m.Run()
	}
	k, err := start(true)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testkeyring: cannot start a private keyring although its tools are installed: %v\n", err)
		return 1
	}
	defer k.stop()
	os.Setenv("DBUS_SESSION_BUS_ADDRESS", k.Address)
	os.Unsetenv("DISPLAY")
	os.Unsetenv("WAYLAND_DISPLAY")
	shared = k
	return m.Run()
}

// inherited returns the keyring scripts/keyring.sh started, if any. It is
// shared by every test binary that runs under the script, so it must not be
// locked.
func inherited() *Keyring {
	addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if os.Getenv("KONNECTD_TEST_KEYRING") != "1" || addr == "" {
		return nil
	}
	return &Keyring{Address: addr, Password: os.Getenv("KONNECTD_TEST_KEYRING_PASSWORD")}
}

// Start starts a private keyring that lives until t ends, or skips t saying
// why it cannot. The process's own DBUS_SESSION_BUS_ADDRESS is left alone:
// hand Env to a child process, or talk to Address directly.
func Start(t testing.TB) *Keyring {
	t.Helper()
	if why := missing(); why != "" {
		t.Skip(why)
	}
	k, err := start(true)
	if err != nil {
		t.Fatalf("start private keyring: %v", err)
	}
	t.Cleanup(k.stop)
	return k
}

// StartBus starts a private session bus with no Secret Service on it, and
// returns its address; for testing what happens without a keyring daemon.
func StartBus(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		t.Skip("dbus-daemon is missing (Debian package dbus-daemon); scripts/keyring.sh installs it when run as root")
	}
	k, err := start(false)
	if err != nil {
		t.Fatalf("start private bus: %v", err)
	}
	t.Cleanup(k.stop)
	return k.Address
}

// start starts a bus and, if withKeyring, a gnome-keyring on it. The bus
// has no service directories, so nothing is ever D-Bus-activated: a client
// that came too early would otherwise activate a second, locked keyring.
func start(withKeyring bool) (k *Keyring, err error) {
	// A short directory name: a unix socket path must fit in 108 bytes.
	dir, err := os.MkdirTemp("", "konnectd-kr-")
	if err != nil {
		return nil, err
	}
	k = &Keyring{dir: dir, Private: true, Address: "unix:path=" + filepath.Join(dir, "bus")}
	defer func() {
		if err != nil {
			err = fmt.Errorf("%w%s", err, k.logs())
			k.stop()
		}
	}()
	for _, sub := range []string{"data", "run", "home", "config", "cache"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, err
		}
	}
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(busConfig(filepath.Join(dir, "bus"))), 0o600); err != nil {
		return nil, err
	}
	bus := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--nopidfile")
	if err := k.run(bus, "dbus-daemon.log"); err != nil {
		return nil, err
	}
	conn, err := k.waitBus()
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if !withKeyring {
		return k, nil
	}

	var pw [16]byte
	rand.Read(pw[:])
	k.Password = hex.EncodeToString(pw[:])
	gk := exec.Command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets")
	gk.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + filepath.Join(dir, "home"),
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"XDG_RUNTIME_DIR=" + filepath.Join(dir, "run"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, "cache"),
		"DBUS_SESSION_BUS_ADDRESS=" + k.Address,
	}
	gk.Stdin = strings.NewReader(k.Password)
	if err := k.run(gk, "gnome-keyring.log"); err != nil {
		return nil, err
	}
	// gnome-keyring answers only once it owns its name; until then a
	// client's call would fail (here) or activate a locked twin (elsewhere).
	if err := poll(func() (bool, error) {
		if err := k.exited(); err != nil {
			return false, err
		}
		var has bool
		err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, secretsName).Store(&has)
		return has, err
	}); err != nil {
		return nil, fmt.Errorf("wait for %s on the private bus: %w", secretsName, err)
	}
	return k, nil
}

func busConfig(socket string) string {
	return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=` + socket + `</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`
}

// run starts cmd with its output in a log file in the keyring's directory.
func (k *Keyring) run(cmd *exec.Cmd, log string) error {
	f, err := os.Create(filepath.Join(k.dir, log))
	if err != nil {
		return err
	}
	defer f.Close()
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	k.procs = append(k.procs, proc{cmd, done})
	return nil
}

// exited returns an error if one of the daemons has died.
func (k *Keyring) exited() error {
	for _, p := range k.procs {
		select {
		case <-p.done:
			return fmt.Errorf("%s exited: %v", filepath.Base(p.cmd.Path), p.cmd.ProcessState)
		default:
		}
	}
	return nil
}

// waitBus connects to the bus once it accepts connections.
func (k *Keyring) waitBus() (*dbus.Conn, error) {
	var conn *dbus.Conn
	err := poll(func() (bool, error) {
		if err := k.exited(); err != nil {
			return false, err
		}
		c, err := dbus.Connect(k.Address)
		if err != nil {
			return false, nil
		}
		conn = c
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("wait for the private bus: %w", err)
	}
	return conn, nil
}

// stop kills the daemons, waits for them and removes the directory.
func (k *Keyring) stop() {
	for i := len(k.procs) - 1; i >= 0; i-- {
		p := k.procs[i]
		p.cmd.Process.Kill()
		<-p.done
	}
	k.procs = nil
	if k.dir != "" {
		os.RemoveAll(k.dir)
	}
}

// logs returns the daemons' output, for an error message.
func (k *Keyring) logs() string {
	var b strings.Builder
	for _, name := range []string{"dbus-daemon.log", "gnome-keyring.log"} {
		if out, err := os.ReadFile(filepath.Join(k.dir, name)); err == nil && len(out) > 0 {
			fmt.Fprintf(&b, "\n--- %s:\n%s", name, out)
		}
	}
	return b.String()
}

// poll calls f every 50ms until it reports done, fails, or startTimeout
// passes.
func poll(f func() (bool, error)) error {
	deadline := time.Now().Add(startTimeout)
	for {
		ok, err := f()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("gave up after " + startTimeout.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// proc is a started daemon; done closes when it has exited.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
}
