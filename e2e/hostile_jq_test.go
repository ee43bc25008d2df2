package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The daemon's memory limit in the hostile suite: 512 MiB of data
// (RLIMIT_DATA), about 120 MB of which an idle konnectd has mapped. Each
// jq worker gets --jq-memory beyond its own idle footprint.
const hostileMemory = 512 << 20

// hostileJQTimeout is the daemon's --jq-timeout in the suite: short, so
// the CPU attacks end soon, long enough for the bystander's small
// evaluations on a loaded machine.
const hostileJQTimeout = 3 * time.Second

// jqCase is a jq/eval request as a hostile case.
func jqCase(name, expr string, input any, raw bool, check func(*testing.T, hostileReply)) hostileCase {
	id := fmt.Sprintf("%q", "jq-"+name)
	params := map[string]any{"expression": expr, "input": input}
	if raw {
		params["rawOutput"] = true
	}
	p, _ := json.Marshal(params)
	return hostileCase{name: name, id: id, check: check,
		msg: fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"method":"jq/eval","params":%s}`, id, p)}
}

func cancelOf(c hostileCase) []string {
	return []string{fmt.Sprintf(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":%s}}`, c.id)}
}

// jqHostileCases are issue 19's jq findings (items 2, 3, 6) and their
// neighbours.
func jqHostileCases(secret string) []hostileCase {
	const jqCode = -32040
	memory := wantError(jqCode, "memory")
	timeout := wantError(jqCode, "timed out")
	anyJQ := func(t *testing.T, rep hostileReply) {
		t.Helper()
		if rep.Error == nil || rep.Error.Code != jqCode {
			t.Errorf("want a jq error, got %.300s", rep.raw)
		}
	}
	mb := strings.Repeat("a", 1<<20)
	cases := []hostileCase{
		// Item 2: memory.
		jqCase("range-1e8", "[range(1e8)]", nil, false, memory),
		jqCase("recursion", "def f: 1+f; f", nil, false, anyJQ),
		jqCase("doubling-string", `"x" | until(length > 1e9; . + .)`, nil, false, memory),
		jqCase("repeat-string", `"x" * 2e9`, nil, false, memory),
		jqCase("huge-index", `null | .[536870000] = 1`, nil, false, memory),
		jqCase("limit-repeat", `[limit(1e8; repeat(1))]`, nil, false, anyJQ),
		jqCase("recurse-tostring", `[range(1e7)] | tostring | length`, nil, false, anyJQ),
		// Item 3: time inside builtins.
		jqCase("match-g-1MB", `[match(".";"g")] | length`, mb, false, timeout),
		jqCase("splits-1MB", `[splits("")] | length`, mb, false, anyJQ),
		jqCase("gsub-1MB", `gsub("";"x") | length`, mb, false, anyJQ),
		jqCase("range-1e12", `last(range(1e12))`, nil, false, timeout),
		// Item 6: numbers JSON lacks, as jq prints them.
		jqCase("infinite", "infinite", nil, false, wantResult("1.7976931348623157e+308")),
		jqCase("-infinite", "-infinite", nil, false, wantResult("-1.7976931348623157e+308")),
		jqCase("nan", "nan", nil, false, wantResult("null")),
		jqCase("pow", "pow(10;400)", nil, false, wantResult("1.7976931348623157e+308")),
		jqCase("1e1000", "1e1000", nil, false, wantResult("1.7976931348623157e+308")),
		jqCase("nested", "[infinite, {a: nan}]", nil, false, wantResult(`[1.7976931348623157e+308,{"a":null}]`)),
		jqCase("raw-infinite", "infinite, nan", nil, true, wantResult(`"1.7976931348623157e+308\nnull\n"`)),
		// Secrets in errors (by shape; transforms are item 4's).
		jqCase("error-token", "error(.token)", map[string]any{"token": secret}, false, anyJQ),
		jqCase("tonumber-token", ".token | tonumber", map[string]any{"token": secret}, false, anyJQ),
	}
	// Cancellation ends the work inside a builtin too; so does leaving.
	c := jqCase("cancel-match", `[match(".";"g")] | length`, mb, false, wantError(-32800, "cancel"))
	c.then, c.thenAfter = cancelOf(c), 300*time.Millisecond
	cases = append(cases, c)
	c = jqCase("cancel-range", `last(range(1e12))`, nil, false, wantError(-32800, "cancel"))
	c.then, c.thenAfter = cancelOf(c), 300*time.Millisecond
	cases = append(cases, c)
	c = jqCase("hang-up-match", `[match(".";"g")] | length`, mb, false, nil)
	c.hangUp, c.thenAfter = true, 300*time.Millisecond
	cases = append(cases, c)
	return cases
}

// TestHostileJQ: jq/eval under attack, on a daemon limited to
// hostileMemory.
func TestHostileJQ(t *testing.T) {
	secret := "kpat_" + strings.Repeat("H0st1le", 7)
	runHostile(t, hostileSuite{
		args:     []string{"--jq-timeout", hostileJQTimeout.String()},
		memory:   hostileMemory,
		deadline: hostileJQTimeout,
		secrets:  []string{secret},
	}, jqHostileCases(secret))
}

// TestHostileFormatJQ: the same limits hold for a method's format.jq,
// which runs on the daemon's answer (here identity/me from the emulator,
// signed in with a token that must appear nowhere).
func TestHostileFormatJQ(t *testing.T) {
	w := newWorld(t, worldOptions{daemonArgs: []string{"--jq-timeout", hostileJQTimeout.String()}})
	w.login("default")
	formatCase := func(name, expr string, check func(*testing.T, hostileReply)) hostileCase {
		id := fmt.Sprintf("%q", "fmt-"+name)
		p, _ := json.Marshal(map[string]any{"format": map[string]any{"output": "json", "jq": expr}})
		return hostileCase{name: name, id: id, check: check,
			msg: fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"method":"identity/me","params":%s}`, id, p)}
	}
	c := formatCase("cancel", "last(range(1e12))", wantError(-32800, "cancel"))
	c.then, c.thenAfter = cancelOf(c), 300*time.Millisecond
	runHostile(t, hostileSuite{
		daemon:   w.d,
		memory:   hostileMemory,
		deadline: hostileJQTimeout,
		secrets:  []string{w.emu.AdminToken()},
	}, []hostileCase{
		formatCase("range-1e8", "[range(1e8)]", wantError(-32040, "memory")),
		formatCase("repeat-string", `"x" * 2e9`, wantError(-32040, "memory")),
		formatCase("range-1e12", "last(range(1e12))", wantError(-32040, "timed out")),
		formatCase("match-g", `[range(1e5) | "aaaaaaaaaa"] | add | [match(".";"g")] | length`, wantError(-32040, "timed out")),
		formatCase("infinite", "infinite", wantResult(`{"text":"1.7976931348623157e+308\n"}`)),
		c,
	})
}

// TestCallTimeoutEndsClient: konnectd call --timeout used to send
// $/cancelRequest and then wait for ever for a reply that a wedged daemon
// never sent (issue 19 item 6). The "daemon" here accepts and reads, and
// never answers.
func TestCallTimeoutEndsClient(t *testing.T) {
	dir := sockDir(t)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "konnectd.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go io.Copy(io.Discard, c)
		}
	}()
	r := run(t, "", []string{"KONNECTD_SOCKET=" + path}, "call", "--no-start", "--timeout", "500ms", "daemon/status")
	if r.code != 1 || !strings.Contains(r.stderr, "no reply") {
		t.Fatalf("want exit 1 saying there was no reply, got %s", r)
	}
}
