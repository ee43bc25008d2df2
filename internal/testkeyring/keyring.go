package testkeyring

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// Keyring is a running private Secret Service.
type Keyring struct {
	// Address is the private bus's address, for DBUS_SESSION_BUS_ADDRESS.
	Address string
	// Password unlocks the login collection.
	Password string
	// Private is true when this process started the keyring, so locking it
	// disturbs nobody else; false for one inherited from scripts/keyring.sh.
	Private bool

	dir   string
	procs []proc
}

// Env returns the environment for a child process that should use the
// keyring: the current environment with the bus address replaced and any
// display removed, so nothing can prompt.
func (k *Keyring) Env() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "DBUS_SESSION_BUS_ADDRESS="+k.Address)
}

// Tools the helper needs, by Debian package.
var tools = []struct{ bin, pkg string }{
	{"dbus-daemon", "dbus-daemon"},
	{"gnome-keyring-daemon", "gnome-keyring"},
}

// missing reports why a keyring cannot be started here, or "".
func missing() string {
	if runtime.GOOS != "linux" {
		return "no private keyring: gnome-keyring runs only on Linux"
	}
	var miss []string
	for _, t := range tools {
		if _, err := exec.LookPath(t.bin); err != nil {
			miss = append(miss, fmt.Sprintf("%s (Debian package %s)", t.bin, t.pkg))
		}
	}
	if len(miss) == 0 {
		return ""
	}
	return "no private keyring: missing " + strings.Join(miss, ", ") +
		"; run the tests via scripts/keyring.sh, which installs them when run as root"
}

// shared is the keyring Main started, or nil; sharedWhy says why it is nil.
var (
	shared    *Keyring
	sharedWhy = "testkeyring.Main was not called from TestMain"
)

// Shared returns the keyring that Main started for this test binary (and to
// which DBUS_SESSION_BUS_ADDRESS points), or skips t saying why there is
// none.
func Shared(t testing.TB) *Keyring {
	t.Helper()
	if shared == nil {
		t.Skip(sharedWhy)
	}
	return shared
}

// RequireSecretTool skips t unless secret-tool is installed.
func RequireSecretTool(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("secret-tool"); err != nil {
		t.Skip("secret-tool is missing (Debian package libsecret-tools); scripts/keyring.sh installs it when run as root")
	}
}
