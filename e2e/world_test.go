package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/konnectd/konnectd/internal/testkeyring"
	"github.com/konnectd/konnectd/konnect/emulator"
	"github.com/konnectd/konnectd/rpc"
)

// world is everything a user's machine has, in miniature: the Konnect
// emulator (strict: every exchange is checked against the official spec), a
// private real Secret Service, a kongctl config file, and a daemon using
// all three.
type world struct {
	t      testing.TB
	emu    *emulator.Emulator
	url    string
	keys   *testkeyring.Keyring
	config string
	env    []string // for the daemon and the CLI: the private bus, the socket
	d      *daemon
}

// worldOptions tune newWorld.
type worldOptions struct {
	configYAML string   // the config file; "" means one default profile pointing at the emulator
	daemonArgs []string // extra serve flags
	daemonEnv  []string // extra environment for the daemon only
	emu        emulator.Options
}

// newWorld builds a world. The config file may use {{URL}} for the
// emulator's base URL.
func newWorld(t testing.TB, o worldOptions) *world {
	t.Helper()
	o.emu.Strict = true
	emu, err := emulator.New(o.emu)
	if err != nil {
		t.Fatal(err)
	}
	url, err := emu.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, emu: emu, url: url}
	t.Cleanup(func() {
		if v := emu.Violations(); len(v) > 0 {
			t.Errorf("spec violations on the wire:\n%s", strings.Join(v, "\n"))
		}
		emu.Close()
	})
	w.keys = testkeyring.Start(t)
	dir := filepath.Dir(sockDir(t))
	w.config = filepath.Join(dir, "config.yaml")
	yaml := o.configYAML
	if yaml == "" {
		yaml = "default:\n  konnect:\n    base-url: {{URL}}\n"
	}
	w.writeConfig(yaml)
	socket := filepath.Join(dir, "s", "konnectd.sock")
	w.env = append(w.keys.Env(), "KONNECTD_SOCKET="+socket, "KONGCTL_CONFIG_FILE="+w.config)
	w.d = startDaemonAt(t, socket, append(append([]string{}, w.env...), o.daemonEnv...), append([]string{"--config-file", w.config}, o.daemonArgs...)...)
	return w
}

// writeConfig replaces the config file's content.
func (w *world) writeConfig(yaml string) {
	w.t.Helper()
	yaml = strings.ReplaceAll(yaml, "{{URL}}", w.url)
	if err := os.WriteFile(w.config, []byte(yaml), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// cli runs the konnectd binary as a user would, against this world's
// daemon, with extra environment variables.
func (w *world) cli(stdin string, env []string, args ...string) result {
	w.t.Helper()
	return run(w.t, stdin, append(append([]string{}, w.env...), env...), args...)
}

// call makes one RPC on a fresh connection and decodes the result.
func (w *world) call(method string, params, result any) error {
	w.t.Helper()
	c, err := rpc.Dial(context.Background(), w.d.socket, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	defer c.Close()
	return c.Call(context.Background(), method, params, result)
}

// login stores the emulator's admin PAT for profile through auth/login.
func (w *world) login(profile string) {
	w.t.Helper()
	var res json.RawMessage
	if err := w.call("auth/login", map[string]string{"profile": profile, "token": w.emu.AdminToken()}, &res); err != nil {
		w.t.Fatalf("login: %v", err)
	}
}
