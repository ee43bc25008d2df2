package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/rpc"
)

// didChanges collects one connection's profile/didChange notifications.
type didChanges struct {
	mu  sync.Mutex
	got []core.ProfileList
}

func (d *didChanges) handle(method string, params json.RawMessage) {
	if method != "profile/didChange" {
		return
	}
	var l core.ProfileList
	json.Unmarshal(params, &l)
	d.mu.Lock()
	d.got = append(d.got, l)
	d.mu.Unlock()
}

func (d *didChanges) all() []core.ProfileList {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]core.ProfileList(nil), d.got...)
}

func (d *didChanges) wait(t *testing.T, what string, pred func(core.ProfileList) bool) core.ProfileList {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, l := range d.all() {
			if pred(l) {
				return l
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no profile/didChange %s; got %+v", what, d.all())
	return core.ProfileList{}
}

// listen connects a long-lived client that hears notifications, after an
// initialize with params.
func listen(t *testing.T, socket string, params rpc.InitializeParams) (*rpc.Client, *didChanges) {
	t.Helper()
	d := &didChanges{}
	c, err := rpc.Dial(context.Background(), socket, d.handle)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Call(context.Background(), "initialize", params, nil); err != nil {
		t.Fatal(err)
	}
	return c, d
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRunningDaemonServesTheCallersConfigFile: a daemon started with file
// A serves a client whose KONGCTL_CONFIG_FILE (or --config-file) is B from
// B, and a client that names nothing from A. Before, it served A to all.
func TestRunningDaemonServesTheCallersConfigFile(t *testing.T) {
	dir := filepath.Dir(sockDir(t))
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	writeFile(t, a, "team-a:\n  output: json\n")
	writeFile(t, b, "team-b:\n  output: yaml\n")
	d := startDaemon(t, []string{"KONGCTL_CONFIG_FILE="}, "--config-file", a)
	sock := "KONNECTD_SOCKET=" + d.socket

	list := func(env []string, args ...string) string {
		t.Helper()
		r := run(t, "", append([]string{sock, "KONGCTL_CONFIG_FILE="}, env...), append([]string{"call", "profile/list", "--jq", "{profiles, configFile}", "-r"}, args...)...)
		if r.code != 0 {
			t.Fatalf("profile/list: %s", r)
		}
		return r.stdout
	}
	if out := list([]string{"KONGCTL_CONFIG_FILE=" + b}); !strings.Contains(out, `"team-b"`) || strings.Contains(out, "team-a") || !strings.Contains(out, b) {
		t.Errorf("KONGCTL_CONFIG_FILE=B got: %s", out)
	}
	if out := list(nil, "--config-file", b); !strings.Contains(out, `"team-b"`) || strings.Contains(out, "team-a") {
		t.Errorf("--config-file B got: %s", out)
	}
	// Relative to the client's working directory, not the daemon's.
	cwd, _ := os.Getwd()
	rel, err := filepath.Rel(cwd, b)
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, "", []string{sock, "KONGCTL_CONFIG_FILE="}, "call", "profile/list", "--config-file", rel, "--jq", ".configFile", "-r")
	if r.code != 0 || strings.TrimSpace(r.stdout) != b {
		t.Errorf("a relative --config-file %s: %s", rel, r)
	}
	if out := list(nil); !strings.Contains(out, `"team-a"`) || strings.Contains(out, "team-b") {
		t.Errorf("no config file named got: %s", out)
	}
	// A named file that is not there is kongctl's error, not A's profiles.
	r = run(t, "", []string{sock, "KONGCTL_CONFIG_FILE=" + filepath.Join(dir, "nope.yaml")}, "get", "me")
	if r.code != 1 || !strings.Contains(r.stderr, "the provided config file path does not exist") {
		t.Errorf("missing named file: %s", r)
	}
	// A raw client may name the file per request, absolute only.
	c := d.dial(t)
	var l core.ProfileList
	if err := c.Call(context.Background(), "profile/list", map[string]string{"configFile": b}, &l); err != nil || l.ConfigFile != b {
		t.Errorf("profile/list {configFile: B} = %+v, %v", l, err)
	}
	err = c.Call(context.Background(), "profile/list", map[string]string{"configFile": "b.yaml"}, &l)
	if err == nil || !strings.Contains(err.Error(), "must be absolute") {
		t.Errorf("a relative configFile param = %v", err)
	}
}

// TestDidChangeReachesTheFilesUsers: an edit to B notifies the client that
// uses B, and the client on the daemon's own file hears only about that.
func TestDidChangeReachesTheFilesUsers(t *testing.T) {
	dir := filepath.Dir(sockDir(t))
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	writeFile(t, a, "team-a: {}\n")
	writeFile(t, b, "team-b: {}\n")
	writeFile(t, filepath.Join(dir, "c.yaml"), "")
	d := startDaemon(t, []string{"KONGCTL_CONFIG_FILE="}, "--config-file", a)

	cb, onB := listen(t, d.socket, rpc.InitializeParams{ConfigFile: b, Profile: "team-b"})
	var l core.ProfileList
	if err := cb.Call(context.Background(), "profile/list", nil, &l); err != nil || l.ConfigFile != b {
		t.Fatalf("B's client: %+v, %v", l, err)
	}
	_, onA := listen(t, d.socket, rpc.InitializeParams{})
	// Declaring the file in initialize is enough, with no request yet.
	_, onDeclared := listen(t, d.socket, rpc.InitializeParams{ConfigFile: filepath.Join(dir, "c.yaml")})
	// The environment alone selects the file too.
	ce, onEnv := listen(t, d.socket, rpc.InitializeParams{Env: map[string]string{"KONGCTL_CONFIG_FILE": b}})
	if err := ce.Call(context.Background(), "profile/list", nil, &l); err != nil || l.ConfigFile != b {
		t.Fatalf("env client: %+v, %v", l, err)
	}

	writeFile(t, filepath.Join(dir, "c.yaml"), "team-c: {}\n")
	onDeclared.wait(t, "for C (declared only)", func(l core.ProfileList) bool { return strings.Contains(strings.Join(l.Profiles, ","), "team-c") })
	writeFile(t, b, "team-b: {}\nteam-b2: {}\n")
	got := onB.wait(t, "for B", func(l core.ProfileList) bool { return strings.Contains(strings.Join(l.Profiles, ","), "team-b2") })
	if got.ConfigFile != b || got.Active != "team-b" || got.Error != "" {
		t.Errorf("B's change: %+v", got)
	}
	onEnv.wait(t, "for B (env client)", func(l core.ProfileList) bool { return l.ConfigFile == b })

	writeFile(t, a, "team-a: {}\nteam-a2: {}\n")
	onA.wait(t, "for A", func(l core.ProfileList) bool { return strings.Contains(strings.Join(l.Profiles, ","), "team-a2") })
	for _, l := range onA.all() {
		if l.ConfigFile != a {
			t.Errorf("A's client heard about %s: %+v", l.ConfigFile, l)
		}
	}
	for _, l := range onB.all() {
		if l.ConfigFile != b {
			t.Errorf("B's client heard about %s: %+v", l.ConfigFile, l)
		}
	}
}

// TestBrokenConfigWarnsEveryCommand: once the file breaks, commands keep
// using its last good content and each says so once on stderr; status
// shows it and the daemon logs it at WARN. Before, all of them were silent.
func TestBrokenConfigWarnsEveryCommand(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.login("default")
	w.writeConfig("default:\n  konnect:\n    base-url: {{URL}}\n  output: [\n")
	waitInvalid(t, w, "line")

	for _, args := range [][]string{{"get", "me"}, {"get", "users"}, {"get", "pats"}} {
		r := w.cli("", nil, args...)
		if r.code != 0 {
			t.Errorf("%v: %s", args, r)
			continue
		}
		checkOneWarning(t, args, r.stderr, w.config)
	}
	r := w.cli("", nil, "status")
	if !strings.Contains(r.stdout+r.stderr, "line 5, column") || !strings.Contains(r.stdout+r.stderr, "using the last good version") {
		t.Errorf("status does not show the broken file: %s", r)
	}
	// Raw listings carry it as data, for clients that show it themselves.
	var list core.List
	if err := w.call("identity/listUsers", map[string]any{}, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Meta.Warnings) != 1 || !strings.Contains(list.Meta.Warnings[0], w.config) {
		t.Errorf("meta.warnings = %q", list.Meta.Warnings)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(w.d.logs(), "level=WARN msg=\"config file is invalid") {
		if time.Now().After(deadline) {
			t.Fatalf("the daemon did not log the broken file at WARN:\n%s", w.d.logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Fixed: no warning any more.
	w.writeConfig("default:\n  konnect:\n    base-url: {{URL}}\n")
	waitInvalid(t, w, "")
	if r := w.cli("", nil, "get", "me"); r.code != 0 || strings.Contains(r.stderr, "Warning") {
		t.Errorf("after the fix: %s", r)
	}
}

// checkOneWarning wants exactly one "Warning:" line naming the file, its
// line and column, and since when.
func checkOneWarning(t *testing.T, what any, stderr, file string) {
	t.Helper()
	var warnings []string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "Warning:") {
			warnings = append(warnings, line)
		}
	}
	if len(warnings) != 1 {
		t.Errorf("%v: want one Warning line, got %q", what, stderr)
		return
	}
	wl := warnings[0]
	t.Logf("%v: %s", what, wl)
	if !strings.Contains(wl, "config file "+file+": line ") || !strings.Contains(wl, ", column ") || !strings.Contains(wl, "invalid since 20") {
		t.Errorf("%v: warning %q lacks file, line, column or since", what, wl)
	}
}

// waitInvalid polls profile/list until its error contains want ("" means
// the file is fine again).
func waitInvalid(t *testing.T, w *world, want string) core.ProfileList {
	t.Helper()
	c := w.d.dial(t)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var l core.ProfileList
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		err := c.Call(ctx, "profile/list", nil, &l)
		cancel()
		if err == nil && (want == "" && l.Error == "" || want != "" && strings.Contains(l.Error, want)) {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("profile/list never had error %q: %+v, %v", want, l, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestFreshDaemonWithBrokenConfigSaysSo: with nothing good ever loaded,
// the answer is the file's problem, not "not authenticated".
func TestFreshDaemonWithBrokenConfigSaysSo(t *testing.T) {
	dir := filepath.Dir(sockDir(t))
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, "default:\n  konnect:\n    region: [eu\n")
	d := startDaemon(t, []string{"KONGCTL_CONFIG_FILE=" + cfg}, "--config-file", cfg)
	env := []string{"KONNECTD_SOCKET=" + d.socket, "KONGCTL_CONFIG_FILE=" + cfg}
	for _, args := range [][]string{{"get", "me"}, {"status"}} {
		r := run(t, "", env, args...)
		if r.code == 0 || !strings.Contains(r.stderr, "config file "+cfg+": line ") || !strings.Contains(r.stderr, "column") ||
			strings.Contains(r.stdout+r.stderr, "authentication token not available") {
			t.Errorf("%v: %s", args, r)
		}
	}
	if !strings.Contains(d.logs(), "level=WARN msg=\"config file is invalid\"") {
		t.Errorf("no WARN at start:\n%s", d.logs())
	}
}

// aliasBomb is a ~1 KB "billion laughs" kongctl config: nine levels of
// mappings of nine aliases each, merged into a profile, 9^9 settings once
// expanded. Mappings are the dangerous kind: the config reader expands
// them itself (yaml.v3's own alias check covers only what it decodes),
// and before the limit this file took the daemon past 2.5 GB and no reply.
func aliasBomb(url string) string {
	var b strings.Builder
	b.WriteString("m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9}\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&b, "m%d: &m%d {", i, i)
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "k%d: *m%d", j, i-1)
		}
		b.WriteString("}\n")
	}
	fmt.Fprintf(&b, "default:\n  konnect:\n    base-url: %s\n  <<: *m8\n", url)
	return b.String()
}

// TestHostileConfigIsAnInvalidConfig: an alias bomb and an oversized file
// are reported like any invalid config (notification, last good kept),
// and the daemon stays alive and serving; the harness's SIGTERM at the end
// must still end it.
func TestHostileConfigIsAnInvalidConfig(t *testing.T) {
	w := newWorld(t, worldOptions{configYAML: "default:\n  konnect:\n    base-url: {{URL}}\ngood: {}\n"})
	w.login("default")
	_, notes := listen(t, w.d.socket, rpc.InitializeParams{})

	bomb := aliasBomb(w.url)
	if len(bomb) > 1500 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	big := "default:\n  konnect:\n    base-url: " + w.url + "\n" + strings.Repeat("# padding padding padding padding padding padding padding padding\n", (1<<20)/64+1)
	for _, c := range []struct{ name, data, want string }{
		{"alias bomb", bomb, "aliases expand to more than 100000 nodes"},
		{"oversized", big, "larger than 1048576 bytes"},
	} {
		w.writeConfig(c.data)
		l := notes.wait(t, "for the "+c.name, func(l core.ProfileList) bool { return strings.Contains(l.Error, c.want) })
		if strings.Join(l.Profiles, ",") != "default,good" {
			t.Errorf("%s: the last good profiles were not kept: %+v", c.name, l)
		}
		var st rpc.Status
		if err := w.call("daemon/status", nil, &st); err != nil {
			t.Fatalf("%s: the daemon stopped answering: %v", c.name, err)
		}
		r := w.cli("", nil, "get", "me")
		if r.code != 0 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: get me on the last good config: %s", c.name, r)
		}
	}
}

// TestDaemonStartedWithAnAliasBombServes: the first load is bounded too,
// so the daemon listens, says what is wrong, and ends on SIGTERM.
func TestDaemonStartedWithAnAliasBombServes(t *testing.T) {
	dir := filepath.Dir(sockDir(t))
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, aliasBomb("https://us.api.konghq.com"))
	d := startDaemon(t, []string{"KONGCTL_CONFIG_FILE=" + cfg}, "--config-file", cfg)
	r := run(t, "", []string{"KONNECTD_SOCKET=" + d.socket, "KONGCTL_CONFIG_FILE=" + cfg}, "call", "profile/list", "--jq", ".error", "-r")
	if r.code != 0 || !strings.Contains(r.stdout, "aliases expand to more than 100000 nodes") || !strings.Contains(r.stdout, "line ") {
		t.Fatalf("profile/list: %s", r)
	}
	d.stop(t)
	d.exitedClean(t, "after SIGTERM")
}
