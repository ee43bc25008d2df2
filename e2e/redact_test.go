package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/konnect/emulator"
)

// leaked reports which of secrets s carries: 12 characters of one in a
// row (in any case), the start of its base64, or 12 of its code points.
func leaked(s string, secrets ...string) []string {
	var out []string
	low := strings.ToLower(s)
	for _, secret := range secrets {
		for i := 0; i+12 <= len(secret); i++ {
			if strings.Contains(low, strings.ToLower(secret[i:i+12])) {
				out = append(out, fmt.Sprintf("%q (at %d)", secret[:4]+"…", i))
				break
			}
		}
		if strings.Contains(s, base64.StdEncoding.EncodeToString([]byte(secret))[:16]) {
			out = append(out, fmt.Sprintf("%q as base64", secret[:4]+"…"))
		}
		// explode's code points, as tostring writes them.
		cps := make([]string, 0, 12)
		for _, c := range secret[5:17] {
			cps = append(cps, fmt.Sprint(int(c)))
		}
		if strings.Contains(strings.Join(strings.Fields(s), ""), strings.Join(cps, ",")) {
			out = append(out, fmt.Sprintf("%q as code points", secret[:4]+"…"))
		}
	}
	return out
}

// TestTransformedSecretsStayOutOfStderrAndTheLog: a --jq or a jq/eval that
// fails with a transform of a token the daemon holds, or has just created,
// in its error, through the built binary: the CLI's stderr (a CI log) and
// the daemon's debug log show none of it.
func TestTransformedSecretsStayOutOfStderrAndTheLog(t *testing.T) {
	w := newWorld(t, worldOptions{daemonArgs: []string{"--log-level", "debug"}})
	w.login("default")
	admin := w.emu.AdminToken()
	secrets := []string{admin}
	for i, expr := range []string{
		`error(.token[5:])`,
		`error(.token | ltrimstr("kpat_"))`,
		`error("x" + .token)`,
		`error(.token | @base64)`,
		`error(.token | split("_") | tostring)`,
		`error(.token | explode | tostring)`,
		`.token | explode | . + {}`,
	} {
		// The filter fails only on the real token: on the dry run's
		// placeholder record (core.PlaceholderID) it passes, so the
		// create goes ahead and the error quotes the real secret.
		guarded := fmt.Sprintf("if .id == %q then . else (%s) end", core.PlaceholderID, expr)
		r := w.cli("", nil, "create", "pat", "--name", fmt.Sprintf("jq%d", i), "--expires-in", "30d", "--jq", guarded)
		if r.code == 0 {
			t.Fatalf("%s: the --jq should fail", expr)
		}
		created := w.emu.CreatedTokens()
		if len(created) != i+1 {
			t.Fatalf("%s: %d tokens created, want %d", expr, len(created), i+1)
		}
		secrets = append(secrets, created[i].Secret)
		if l := leaked(r.stderr, secrets...); len(l) > 0 {
			t.Errorf("create pat --jq %s: stderr carries %v", expr, l)
		}
	}
	for _, expr := range []string{`error(.t[5:])`, `error(.t | @base64)`, `error(.t | explode | tostring)`, `error(.t | ascii_downcase)`, `error(.t | [splits("")] | join(" "))`} {
		params, _ := json.Marshal(map[string]any{"expression": expr, "input": map[string]string{"t": admin}})
		r := w.cli(string(params), nil, "call", "jq/eval", "-") // on stdin: a secret never goes in argv
		if r.code == 0 {
			t.Fatalf("call jq/eval %s: should fail", expr)
		}
		if l := leaked(r.stderr, secrets...); len(l) > 0 {
			t.Errorf("call jq/eval %s: stderr carries %v", expr, l)
		}
	}
	// A --jq the CLI applies itself (konnectd call), to a result that
	// carries a new token: the CLI's own stderr masks it too.
	for _, expr := range []string{`error(.token[5:])`, `error(.token | @base64)`, `error(.token | explode | tostring)`} {
		r := w.cli("", nil, "call", "token/createSystemAccount",
			fmt.Sprintf(`{"name":"cli-%d","systemAccountId":"a1b2c3d4-0001-4000-8000-000000000001","expiresIn":"30d"}`, len(secrets)), "--jq", expr)
		if r.code == 0 {
			t.Fatalf("call --jq %s: should fail", expr)
		}
		created := w.emu.CreatedTokens()
		secrets = append(secrets, created[len(created)-1].Secret)
		if l := leaked(r.stderr, secrets...); len(l) > 0 {
			t.Errorf("call --jq %s: stderr carries %v", expr, l)
		}
	}
	// And the create whose answer was a gateway's 502 after the commit.
	w.emu.SetFaults(emulator.Faults{FailAfterCommit: "create-personal-access-token", FailStatus: 502})
	r := w.cli("", nil, "create", "pat", "--name", "lost", "--expires-in", "30d")
	w.emu.SetFaults(emulator.Faults{})
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "Konnect answered 502 Bad Gateway; the request may have reached Konnect") ||
		!strings.Contains(r.stderr, `the pat "lost" may exist: check with 'konnectd get pats'`) {
		t.Fatalf("create answered 502: %s", r)
	}
	if n := w.emu.Requests()["create-personal-access-token"]; n != 8 {
		t.Fatalf("%d creates reached Konnect, want 8: the 502 must not be retried", n)
	}
	if l := leaked(w.d.logs(), secrets...); len(l) > 0 {
		t.Errorf("the daemon log carries %v", l)
	}
	if !strings.Contains(w.d.logs(), "level=DEBUG") {
		t.Error("the daemon log has no debug lines: the test checks nothing")
	}
}
