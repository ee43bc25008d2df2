package testkeyring

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	secretsName = "org.freedesktop.secrets"
	secretsPath = dbus.ObjectPath("/org/freedesktop/secrets")
	// Login is the collection gnome-keyring's --unlock creates and unlocks.
	Login = dbus.ObjectPath("/org/freedesktop/secrets/collection/login")
)

// secret is the Secret Service's (oayays) secret struct.
type secret struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
}

// dial opens a connection of the test's own to the keyring's bus; it never
// touches godbus's shared session connection.
func (k *Keyring) dial(t testing.TB) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(k.Address)
	if err != nil {
		t.Fatalf("connect to the test keyring's bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// Lock locks the login collection, as a screen lock or a timeout would, and
// unlocks it again when t ends. Only a private keyring may be locked: one
// inherited from scripts/keyring.sh is shared with other test binaries, so
// t is skipped instead.
func (k *Keyring) Lock(t testing.TB) {
	t.Helper()
	if !k.Private {
		t.Skip("the keyring from scripts/keyring.sh is shared by all test binaries and must not be locked; " +
			"install dbus-daemon and gnome-keyring so the test can start a private one")
	}
	conn := k.dial(t)
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	err := conn.Object(secretsName, secretsPath).
		Call("org.freedesktop.Secret.Service.Lock", 0, []dbus.ObjectPath{Login}).Store(&locked, &prompt)
	if err != nil {
		t.Fatalf("lock the login collection: %v", err)
	}
	t.Cleanup(func() { k.Unlock(t) })
	if !k.Locked(t) {
		t.Fatal("the login collection is still unlocked after Lock")
	}
}

// Unlock unlocks the login collection with the keyring's password, through
// gnome-keyring's own interface: the standard Unlock would need a prompt.
func (k *Keyring) Unlock(t testing.TB) {
	t.Helper()
	conn := k.dial(t)
	srv := conn.Object(secretsName, secretsPath)
	var out dbus.Variant
	var session dbus.ObjectPath
	if err := srv.Call("org.freedesktop.Secret.Service.OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&out, &session); err != nil {
		t.Fatalf("open a Secret Service session: %v", err)
	}
	pw := secret{Session: session, Parameters: []byte{}, Value: []byte(k.Password), ContentType: "text/plain"}
	if err := srv.Call("org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface.UnlockWithMasterPassword", 0, Login, pw).Err; err != nil {
		t.Fatalf("unlock the login collection: %v", err)
	}
	if k.Locked(t) {
		t.Fatal("the login collection is still locked after Unlock")
	}
}

// Locked reports whether the login collection is locked.
func (k *Keyring) Locked(t testing.TB) bool {
	t.Helper()
	v, err := k.dial(t).Object(secretsName, Login).GetProperty("org.freedesktop.Secret.Collection.Locked")
	if err != nil {
		t.Fatalf("read the login collection's Locked property: %v", err)
	}
	locked, ok := v.Value().(bool)
	if !ok {
		t.Fatalf("Locked property is %s, not a boolean", v.Signature())
	}
	return locked
}

// SecretToolStore stores secret under the attributes service and username,
// as another program would, using secret-tool. It skips t if secret-tool is
// missing.
func (k *Keyring) SecretToolStore(t testing.TB, service, username, secret string) {
	t.Helper()
	_, stderr, err := k.secretTool(t, secret, "store", "--label=testkeyring", "service", service, "username", username)
	if err != nil {
		t.Fatalf("secret-tool store: %v: %s", err, stderr)
	}
}

// SecretToolLookup returns what secret-tool finds for service and username,
// and whether it found anything. It skips t if secret-tool is missing.
func (k *Keyring) SecretToolLookup(t testing.TB, service, username string) (string, bool) {
	t.Helper()
	stdout, stderr, err := k.secretTool(t, "", "lookup", "service", service, "username", username)
	var exit *exec.ExitError
	if errors.As(err, &exit) && stdout == "" && stderr == "" {
		return "", false // secret-tool's way of saying "no such item"
	}
	if err != nil {
		t.Fatalf("secret-tool lookup: %v: %s", err, stderr)
	}
	return stdout, true
}

// secretTool runs secret-tool against the keyring, with a deadline so that a
// wedged keyring fails the test instead of hanging it.
func (k *Keyring) secretTool(t testing.TB, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	RequireSecretTool(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, "secret-tool", args...)
	cmd.Env = k.Env()
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}
