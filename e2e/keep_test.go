package e2e

import (
	"errors"
	"strings"
	"testing"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/rpc"
)

// TestFilterWithoutSecretKeepsIt: --jq .name prints the new token's name
// only. kongctl loses the secret there; konnectd keeps it in the keychain
// under recovered:<id> and says so on stderr (stdout stays the filter's).
// With no keychain that can keep it, nothing is created.
func TestFilterWithoutSecretKeepsIt(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	w.login("default")
	r := w.cli("", nil, "create", "pat", "--name", "kx", "--expires-in", "30d", "--jq", ".name")
	if r.code != 0 || r.stdout != "\"kx\"\n" {
		t.Fatalf("create --jq .name: %s", r)
	}
	created := w.emu.CreatedTokens()
	if len(created) != 1 {
		t.Fatalf("%d tokens created", len(created))
	}
	id := created[0].ID
	if !strings.HasPrefix(r.stderr, "Warning: the output does not show the new pat \"kx\" ("+id+")'s secret; konnectd keeps it in the system keychain as recovered:"+id) ||
		!strings.Contains(r.stderr, "'konnectd get stored "+id+" --secret'") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("warning: %s", r)
	}
	s, ok := w.keys.SecretToolLookup(t, "konnectd", "recovered:"+id)
	if !ok || !patRE.MatchString(s) {
		t.Fatal("the secret is not in the keychain under recovered:<id>")
	}
	if g := w.cli("", nil, "get", "stored", id, "--secret"); g.code != 0 || strings.TrimSpace(g.stdout) != s {
		t.Fatalf("get stored --secret: %s", g)
	}
	clean(t, r.stdout, r.stderr)
	custody(t, w, nil)

	// A filter that keeps the secret keeps nothing in the keychain.
	r = w.cli("", nil, "create", "pat", "--name", "ky", "--expires-in", "30d", "--jq", "{name, token}")
	if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "kpat_") {
		t.Fatalf("create --jq {name, token}: %s", r)
	}

	// RPC: the warning is in the reply's warnings.
	var txt core.Text
	jqName := ".id"
	if err := w.call("token/createPersonal", map[string]any{"name": "kz", "expiresIn": "30d", "format": map[string]any{"jq": jqName}}, &txt); err != nil {
		t.Fatal(err)
	}
	if len(txt.Warnings) != 1 || !strings.Contains(txt.Warnings[0], "keychain/secret") {
		t.Fatalf("rpc warnings: %+v", txt.Warnings)
	}

	// No keychain: refused before the POST, with what to do.
	noBus := []string{"DBUS_SESSION_BUS_ADDRESS=", "KONGCTL_DEFAULT_KONNECT_PAT=" + w.emu.AdminToken()}
	d := startDaemon(t, append(append([]string{}, w.env...), noBus...), "--config-file", w.config)
	before := len(w.emu.CreatedTokens())
	r = w.cli("", append([]string{"KONNECTD_SOCKET=" + d.socket}, noBus...), "create", "pat", "--name", "kn", "--expires-in", "30d", "--jq", ".name")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "the output would not show the new token's secret and no keychain can keep it") ||
		!strings.Contains(r.stderr, "add .token to the --jq filter, or use --store NAME") {
		t.Fatalf("no keychain: %s", r)
	}
	var e *rpc.Error
	c := d.dial(t)
	if err := c.Call(t.Context(), "initialize", rpc.InitializeParams{Env: map[string]string{"KONGCTL_DEFAULT_KONNECT_PAT": w.emu.AdminToken()}}, nil); err != nil {
		t.Fatal(err)
	}
	err := c.Call(t.Context(), "token/createPersonal", map[string]any{"name": "kn", "expiresIn": "30d", "format": map[string]any{"jq": ".name"}}, nil)
	if !errors.As(err, &e) || e.Code != rpc.CodeValidation || !strings.Contains(e.Message, "add .token to format.jq, or pass store") {
		t.Fatalf("rpc, no keychain: %v", err)
	}
	if n := len(w.emu.CreatedTokens()); n != before {
		t.Fatalf("%d tokens created with no place for their secret", n-before)
	}
}
