package e2e

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// wireHostileCases are issue 19's framing and redaction findings (items 4
// and 8) as hostile cases: ids that used to come back changed or not at
// all, repeated members, a byte-order mark, nesting and sizes a careless
// script sends, and a secret the daemon was handed coming back in an
// error after a transform.
func wireHostileCases(secret string) []hostileCase {
	status := func(id string) string {
		return fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"method":"daemon/status"}`, id)
	}
	echo := func(name, id string) hostileCase {
		return hostileCase{name: name, id: id, msg: status(id), check: func(t *testing.T, rep hostileReply) {
			t.Helper()
			if rep.Error != nil || len(rep.Result) == 0 {
				t.Errorf("want daemon/status's result for id %s, got %.300s", id, rep.raw)
			}
		}}
	}
	invalid := wantError(-32600, "")
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	reversed := []byte(secret)
	for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
		reversed[i], reversed[j] = reversed[j], reversed[i]
	}
	return []hostileCase{
		// Item 8: ids echoed byte for byte, null ids answered.
		echo("id-negative", "-1"),
		echo("id-fraction", "1.5"),
		echo("id-huge-exponent", "1e400"),
		echo("id-null", "null"),
		echo("id-escaped-string", `"a\u0062c"`),
		{name: "duplicate-method", id: "7", check: invalid,
			msg: `{"jsonrpc":"2.0","id":7,"method":"daemon/status","method":"daemon/stop"}`},
		{name: "duplicate-params-member", id: "8", check: invalid,
			msg: `{"jsonrpc":"2.0","id":8,"method":"jq/eval","params":{"expression":".","expression":"input"}}`},
		{name: "bom-before-ndjson", id: `"bom"`, msg: "\ufeff" + status(`"bom"`)},
		{name: "deep-params", id: "9",
			msg: `{"jsonrpc":"2.0","id":9,"method":"jq/eval","params":{"expression":".","input":` + deep + `}}`},
		{name: "invalid-utf8-method", id: "10", msg: "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"daemon/\xff\xfe\"}"},
		// Item 4: the daemon is handed a secret (auth/login fails: the
		// profile's Konnect is a closed loopback port), then hears it
		// back changed; the error that quotes it must not show it.
		{name: "hand-over-secret", id: "11", check: wantError(-32010, ""),
			msg: fmt.Sprintf(`{"jsonrpc":"2.0","id":11,"method":"auth/login","params":{"token":%q}}`, secret)},
		{name: "method-is-a-secret-suffix", id: "12", check: wantError(-32601, "[REDACTED]"),
			msg: fmt.Sprintf(`{"jsonrpc":"2.0","id":12,"method":%q}`, secret[5:])},
		{name: "method-is-the-secret-reversed", id: "13", check: wantError(-32601, "[REDACTED]"),
			msg: fmt.Sprintf(`{"jsonrpc":"2.0","id":13,"method":%q}`, reversed)},
		{name: "jq-error-quotes-a-secret-part", id: "14",
			msg: fmt.Sprintf(`{"jsonrpc":"2.0","id":14,"method":"jq/eval","params":{"expression":"error(.[5:])","input":%q}}`, secret)},
	}
}

// TestHostileWire runs the framing and redaction cases against a daemon
// under the suite's memory limit: each gets exactly one reply with its id
// as sent, no reply or log line shows the secret or a transform of it,
// and another client is answered throughout.
func TestHostileWire(t *testing.T) {
	secret := randomPAT(t)
	rev := []byte(secret)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	// No Konnect: the one call a case makes fails at once, on loopback.
	config := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(config, []byte("default:\n  konnect:\n    base-url: http://127.0.0.1:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runHostile(t, hostileSuite{
		args:     []string{"--jq-timeout", hostileJQTimeout.String(), "--config-file", config},
		memory:   hostileMemory,
		deadline: 10 * time.Second,
		secrets:  []string{secret, secret[5:], secret[5:17], string(rev)},
	}, wireHostileCases(secret))
}

// randomPAT is a well-formed PAT no Konnect knows.
func randomPAT(t *testing.T) string {
	t.Helper()
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 49)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alnum))))
		if err != nil {
			t.Fatal(err)
		}
		b[i] = alnum[n.Int64()]
	}
	return "kpat_" + string(b)
}
