package keychain

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/internal/testkeyring"
)

// These tests run against a real gnome-keyring: the private one that
// testkeyring.Main started for this test binary, or a fresh one for tests
// that run a child process.

// openSystem opens the system store under a service of the test's own, so
// tests never see each other's items.
func openSystem(t *testing.T) (Store, string) {
	t.Helper()
	service := "konnectd-test-" + t.Name()
	s, err := Open(Options{Service: service, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind() != KindSystem {
		t.Fatalf("Kind = %q; want %q", s.Kind(), KindSystem)
	}
	return s, service
}

func TestSystemRoundTrip(t *testing.T) {
	testkeyring.Shared(t)
	s, _ := openSystem(t)
	ctx := context.Background()
	acct := ProfileAccount("default")

	if _, err := s.Get(ctx, acct); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Set = %v; want ErrNotFound", err)
	}
	if err := s.Set(ctx, acct, testSecret); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if got, err := s.Get(ctx, acct); err != nil || got != testSecret {
		t.Fatalf("Get after Set: %v (value matches: %v)", err, got == testSecret)
	}
	if err := s.Set(ctx, acct, testSecret+"2"); err != nil {
		t.Fatalf("Set over an existing secret: %v", err)
	}
	if got, err := s.Get(ctx, acct); err != nil || got != testSecret+"2" {
		t.Fatalf("Get after overwrite: %v (value matches: %v)", err, got == testSecret+"2")
	}
	if err := s.Delete(ctx, acct); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err := s.Get(ctx, acct)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete = %v; want ErrNotFound", err)
	}
	checkClean(t, err)
	if !strings.Contains(err.Error(), `"default"`) || !strings.Contains(err.Error(), "konnectd login") {
		t.Errorf("not-found message names neither the account nor a remedy: %v", err)
	}
	if err := s.Delete(ctx, acct); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Delete of a missing secret = %v; want ErrNotFound", err)
	}
}

func TestSystemAccountsAreSeparate(t *testing.T) {
	testkeyring.Shared(t)
	s, _ := openSystem(t)
	ctx := context.Background()
	if err := s.Set(ctx, ProfileAccount("x"), "profile-secret"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, NamedAccount("x"), "named-secret"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, ProfileAccount("x")); err != nil || got != "profile-secret" {
		t.Fatalf("profile x: %q, %v", got, err)
	}
	if got, err := s.Get(ctx, NamedAccount("x")); err != nil || got != "named-secret" {
		t.Fatalf("named x: %q, %v", got, err)
	}
}

func TestSecretToolSeesOurs(t *testing.T) {
	k := testkeyring.Shared(t)
	s, service := openSystem(t)
	if err := s.Set(context.Background(), NamedAccount("ci"), testSecret); err != nil {
		t.Fatal(err)
	}
	got, ok := k.SecretToolLookup(t, service, "token:ci")
	if !ok || got != testSecret {
		t.Fatalf("secret-tool lookup of what konnectd stored: found %v, value matches %v", ok, got == testSecret)
	}
}

func TestWeReadSecretTools(t *testing.T) {
	k := testkeyring.Shared(t)
	s, service := openSystem(t)
	k.SecretToolStore(t, service, "default", testSecret)
	got, err := s.Get(context.Background(), "default")
	if err != nil || got != testSecret {
		t.Fatalf("Get of what secret-tool stored: %v (value matches %v)", err, got == testSecret)
	}
	if err := s.Delete(context.Background(), "default"); err != nil {
		t.Fatal(err)
	}
	if _, ok := k.SecretToolLookup(t, service, "default"); ok {
		t.Fatal("secret-tool still finds the item konnectd deleted")
	}
}

func TestSystemLocked(t *testing.T) {
	k := testkeyring.Shared(t)
	s, _ := openSystem(t)
	ctx := context.Background()
	if err := s.Set(ctx, "default", testSecret); err != nil {
		t.Fatal(err)
	}

	k.Lock(t)
	_, err := s.Get(ctx, "default")
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Get from a locked keychain = %v; want ErrLocked", err)
	}
	checkClean(t, err)
	if !strings.Contains(err.Error(), "unlock") {
		t.Errorf("locked message does not say to unlock: %v", err)
	}
	if err := s.Set(ctx, "default", testSecret); !errors.Is(err, ErrLocked) {
		t.Fatalf("Set into a locked keychain = %v; want ErrLocked", err)
	}

	k.Unlock(t)
	if got, err := s.Get(ctx, "default"); err != nil || got != testSecret {
		t.Fatalf("Get after unlocking: %v", err)
	}
}

func TestSystemTooLarge(t *testing.T) {
	k := testkeyring.Shared(t)
	s, service := openSystem(t)
	ctx := context.Background()

	big := strings.Repeat("k", defaultMaxSecret)
	if err := s.Set(ctx, "big", big); err != nil {
		t.Fatalf("Set of a secret at the limit: %v", err)
	}
	if got, err := s.Get(ctx, "big"); err != nil || got != big {
		t.Fatalf("Get of a secret at the limit: %v (value matches %v)", err, got == big)
	}

	err := s.Set(ctx, "toobig", testSecret+big)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Set over the limit = %v; want ErrTooLarge", err)
	}
	checkClean(t, err)
	if _, ok := k.SecretToolLookup(t, service, "toobig"); ok {
		t.Fatal("a secret over the limit reached the keychain")
	}
}

func TestNoBusAddressIsUnavailable(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	os.Unsetenv("DBUS_SESSION_BUS_ADDRESS")
	s, _ := openSystem(t)
	_, err := s.Get(context.Background(), "default")
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Get without DBUS_SESSION_BUS_ADDRESS = %v; want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "DBUS_SESSION_BUS_ADDRESS") || !strings.Contains(err.Error(), "--keychain=file") {
		t.Errorf("message does not say what to do: %v", err)
	}

	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "autolaunch:")
	if _, err := s.Get(context.Background(), "default"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Get with an autolaunch address = %v; want ErrUnavailable", err)
	}
}

// TestNoBusAddressNeverAutolaunches proves that without a bus address
// konnectd does not run dbus-launch: a fake dbus-launch leaves a mark when
// run, and go-keyring on its own, in the same environment, does run it.
func TestNoBusAddressNeverAutolaunches(t *testing.T) {
	bin := t.TempDir()
	mark := filepath.Join(t.TempDir(), "dbus-launch-ran")
	fake := "#!/bin/sh\n: > '" + mark + "'\nexit 1\n" // PATH holds only this script, so no touch(1)
	if err := os.WriteFile(filepath.Join(bin, "dbus-launch"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	env := childEnvWithout("DBUS_SESSION_BUS_ADDRESS", "PATH", "XDG_RUNTIME_DIR", "DISPLAY", "WAYLAND_DISPLAY")
	env = append(env, "PATH="+bin, "XDG_RUNTIME_DIR="+t.TempDir())

	if out := runChild(t, "store", env); !strings.Contains(out, "kind=unavailable") {
		t.Fatalf("store without a bus address: %s; want kind=unavailable", out)
	}
	if _, err := os.Stat(mark); err == nil {
		t.Fatal("konnectd ran dbus-launch without a bus address")
	}

	runChild(t, "raw", env)
	if _, err := os.Stat(mark); err != nil {
		t.Fatalf("go-keyring alone did not run the fake dbus-launch either (%v), so the test above proves nothing", err)
	}
}

func TestBusWithoutSecretServiceIsUnavailable(t *testing.T) {
	addr := testkeyring.StartBus(t)
	env := append(childEnvWithout("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY"), "DBUS_SESSION_BUS_ADDRESS="+addr)
	out := runChild(t, "store", env)
	if !strings.Contains(out, "kind=unavailable") || !strings.Contains(out, "gnome-keyring") {
		t.Fatalf("store on a bus without a Secret Service: %s; want kind=unavailable with a hint naming gnome-keyring", out)
	}
}

func TestDeadBusIsUnavailable(t *testing.T) {
	addr := "unix:path=" + filepath.Join(t.TempDir(), "no-bus-here")
	env := append(childEnvWithout("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY"), "DBUS_SESSION_BUS_ADDRESS="+addr)
	if out := runChild(t, "store", env); !strings.Contains(out, "kind=unavailable") {
		t.Fatalf("store with a bus address nobody listens on: %s; want kind=unavailable", out)
	}
}

func TestPrivateKeyringInChild(t *testing.T) {
	// The same path a konnectd child process takes: a keyring of its own,
	// reached through the environment alone.
	k := testkeyring.Start(t)
	k.SecretToolStore(t, "konnectd-test-child", "default", testSecret)
	out := runChild(t, "store", k.Env())
	if !strings.Contains(out, "kind=none") {
		t.Fatalf("child Get from its own keyring: %s; want kind=none", redact.String(out))
	}
}

func childEnvWithout(names ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		drop := name == childEnv
		for _, n := range names {
			drop = drop || name == n
		}
		if !drop {
			env = append(env, kv)
		}
	}
	return env
}

// runChild re-executes the test binary to perform op in env, and returns what
// it printed.
func runChild(t *testing.T, op string, env []string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0])
	// The race detector otherwise sleeps a second at exit in every child.
	cmd.Env = append(env, childEnv+"="+op, "GORACE=atexit_sleep_ms=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child %s: %v: %s", op, err, redact.String(string(out)))
	}
	if strings.Contains(string(out), testSecret) || redact.Contains(string(out)) {
		t.Fatalf("child %s printed a secret", op)
	}
	return string(out)
}

// hungBusEnv names the socket path where childHung runs a D-Bus "service"
// that accepts connections and never answers.
const hungBusEnv = "KONNECTD_KEYCHAIN_TEST_HUNG_BUS"

// childHung runs in a child whose DBUS_SESSION_BUS_ADDRESS points at a
// socket it listens on itself, accepting and never answering: the first
// keychain call hangs in godbus's handshake for good. It makes maxAbandoned
// calls, one more, then hangs up on every connection (the bus "comes back"
// as gone) and calls until a call is no longer turned away, printing each
// call's kind and error.
func childHung() int {
	l, err := net.Listen("unix", os.Getenv(hungBusEnv))
	if err != nil {
		fmt.Println("listen:", err)
		return 2
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	s, err := Open(Options{Service: "konnectd-test-child", Timeout: 200 * time.Millisecond, PromptTimeout: time.Hour})
	if err != nil {
		fmt.Println("open:", err)
		return 2
	}
	get := func(label string) error {
		_, err := s.Get(context.Background(), "default")
		fmt.Printf("%s kind=%s pending=%v deadline=%v err=%v\n", label, kindOf(err), errors.Is(err, errPending), errors.Is(err, context.DeadlineExceeded), err)
		return err
	}
	for i := range maxAbandoned + 1 {
		get(fmt.Sprintf("call%d", i+1))
	}
	l.Close()
	mu.Lock()
	for _, c := range conns {
		c.Close()
	}
	mu.Unlock()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if err := get("after"); !errors.Is(err, errPending) {
			return 0
		}
		time.Sleep(20 * time.Millisecond)
	}
	return 0
}

// TestHungBusNewAttemptsBounded: a Secret Service that accepts and never
// answers (a real socket, real godbus) times out; the next call is a new
// attempt rather than refused until a restart, up to maxAbandoned hanging
// calls; the messages say the service is not answering, not that an
// unlock prompt waits (there is no display); once the hung calls end, the
// keychain is asked again and reports what it finds.
func TestHungBusNewAttemptsBounded(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "hung-bus")
	env := append(childEnvWithout("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", hungBusEnv),
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+sock, hungBusEnv+"="+sock)
	out := runChild(t, "hung", env)
	t.Log(out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < maxAbandoned+2 {
		t.Fatalf("child output:\n%s", out)
	}
	for i, l := range lines[:maxAbandoned] {
		if !strings.Contains(l, "kind=timeout pending=false deadline=true") {
			t.Errorf("call %d is not a new attempt that timed out: %s", i+1, l)
		}
	}
	if l := lines[maxAbandoned]; !strings.Contains(l, "kind=timeout pending=true") ||
		!strings.Contains(l, fmt.Sprintf("%d earlier keychain requests have had no answer", maxAbandoned)) {
		t.Errorf("call past the bound is not turned away, saying why: %s", l)
	}
	for _, l := range lines[:maxAbandoned+1] {
		if strings.Contains(l, "dialog") || strings.Contains(l, "unlock") || !strings.Contains(l, "the Secret Service itself is not answering") {
			t.Errorf("headless, the message must say the service does not answer, not speak of a prompt: %s", l)
		}
	}
	if l := lines[len(lines)-1]; !strings.Contains(l, "after kind=unavailable") {
		t.Errorf("once the hung calls ended, the keychain was not asked again: %s", l)
	}
}
