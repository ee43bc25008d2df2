package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestKongctlGolden replays every case kongctl was recorded in
// (testdata/kongctl-golden, README there) through konnectd in the same
// world, normalises what konnectd printed and sent as the README says, and
// compares it with what kongctl printed and sent. It prints a score line;
// every case that differs fails with a short diff.
func TestKongctlGolden(t *testing.T) {
	golden, err := filepath.Abs(filepath.Join("testdata", "kongctl-golden"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(golden)
	if err != nil {
		t.Fatal(err)
	}
	var cases []string
	for _, e := range entries {
		if e.IsDir() && len(e.Name()) > 4 && e.Name()[3] == '-' {
			cases = append(cases, e.Name())
		}
	}
	if len(cases) == 0 {
		t.Fatal("no golden cases in " + golden)
	}
	root, err := os.MkdirTemp("", "kg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	ca, err := newGoldenCA(root)
	if err != nil {
		t.Fatal(err)
	}

	// Each case runs an emulator, a daemon and two clients; three at a
	// time keep two shared cores busy without starving other tests.
	sem := make(chan struct{}, 3)
	var mu sync.Mutex
	var failed []string
	ran := 0
	t.Run("cases", func(t *testing.T) {
		for _, name := range cases {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				mu.Lock()
				ran++
				mu.Unlock()
				sem <- struct{}{}
				defer func() { <-sem }()
				g := &goldenCase{golden: golden, dir: filepath.Join(golden, name), name: name, root: root, ca: ca}
				if diff := g.run(t); diff != "" {
					mu.Lock()
					failed = append(failed, name)
					mu.Unlock()
					t.Errorf("%s differs from kongctl:\n%s", name, diff)
				}
			})
		}
	})
	sort.Strings(failed)
	// Counted over the cases that ran (-run may select some).
	fmt.Printf("kongctl golden: %d/%d identical\n", ran-len(failed), ran)
	if len(failed) > 0 {
		fmt.Printf("kongctl golden: differing: %s\n", strings.Join(failed, " "))
	}
}

// goldenCase is one recorded case and the world it is replayed in.
type goldenCase struct {
	golden string // the set's directory (seed.json, env, config.yaml)
	dir    string // the case's directory
	name   string
	root   string // <ROOT>
	ca     *goldenCA
}

// read returns a case file, or the set's when the case has none.
func (g *goldenCase) read(name string, inherit bool) (string, bool) {
	if b, err := os.ReadFile(filepath.Join(g.dir, name)); err == nil {
		return string(b), true
	}
	if !inherit {
		return "", false
	}
	b, err := os.ReadFile(filepath.Join(g.golden, name))
	return string(b), err == nil
}

func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

const goldenBadPAT = "kpat_0000000000000000000000000000000000000000000000000"

// run builds the case's world, runs konnectd in it and returns a short
// diff, or "" when konnectd matches kongctl.
func (g *goldenCase) run(t *testing.T) string {
	start := time.Now().UTC().Truncate(time.Second)
	work := filepath.Join(g.root, g.name[:3])
	for _, d := range []string{"home", "xdg/kongctl"} {
		if err := os.MkdirAll(filepath.Join(work, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(work, "run"), 0o700); err != nil {
		t.Fatal(err)
	}
	cfg, _ := g.read("config.yaml", true)
	if err := os.WriteFile(filepath.Join(work, "xdg/kongctl/config.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(g.dir, "files")); err == nil {
		if err := os.CopyFS(work, os.DirFS(filepath.Join(g.dir, "files"))); err != nil {
			t.Fatal(err)
		}
	}

	// 1. A new emulator, in the set's directory so seed files resolve.
	emuArgs, _ := g.read("emulator-args", true)
	emuURL, pat, stopEmu := startGoldenEmulator(t, g.golden, lines(emuArgs))
	defer stopEmu()
	proxy, err := startGoldenProxy(g.ca, emuURL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.close()
	u, _ := url.Parse(emuURL)
	_, proxyPort, _ := net.SplitHostPort(proxy.addr())

	r := &goldenRun{start: start, pat: pat, badPAT: goldenBadPAT, times: map[string]string{},
		dir: work, root: g.root, emuPort: u.Port(), prxyPort: proxyPort}
	subst := func(s string) string {
		s = strings.ReplaceAll(s, "<PAT>", pat)
		s = strings.ReplaceAll(s, "<BADPAT>", goldenBadPAT)
		s = strings.ReplaceAll(s, "<DIR>", work)
		return goldenAtRE.ReplaceAllStringFunc(s, func(ph string) string {
			v, err := expandAT(ph, start)
			if err != nil {
				t.Fatal(err)
			}
			r.times[v] = ph
			return v
		})
	}

	// The environment is exactly the README's; nothing is inherited.
	env := []string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=" + filepath.Join(work, "home"),
		"XDG_CONFIG_HOME=" + filepath.Join(work, "xdg"),
		"XDG_RUNTIME_DIR=" + filepath.Join(work, "run"),
		"KONNECTD_SOCKET=" + filepath.Join(work, "run", "konnectd.sock"),
		"TZ=UTC",
		"LANG=C.UTF-8",
		"HTTPS_PROXY=http://" + proxy.addr(),
		"SSL_CERT_FILE=" + g.ca.pemPath,
	}
	setEnv, _ := os.ReadFile(filepath.Join(g.golden, "env"))
	caseEnv, _ := g.read("env", false)
	for _, l := range append(lines(string(setEnv)), lines(caseEnv)...) {
		if name, ok := strings.CutPrefix(l, "-"); ok {
			env = slicesDeleteVar(env, name)
			continue
		}
		k, _, _ := strings.Cut(l, "=")
		env = append(slicesDeleteVar(env, k), subst(l))
	}

	// 2. The setup, straight on the emulator.
	if setup, ok := g.read("setup", false); ok {
		cmd := exec.Command("bash", "-eu", "-c", setup)
		cmd.Dir = work
		cmd.Env = append(append([]string{}, env...), "EMU="+emuURL, "ADMIN="+pat)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("setup: %v\n%s", err, out)
		}
	}

	// 3. The command, with konnectd's name, stdin, a 60-second limit.
	argvText, ok := g.read("argv", false)
	if !ok {
		t.Fatal("no argv")
	}
	argv := lines(argvText)
	for i := range argv {
		argv[i] = subst(argv[i])
	}
	stdinText, hasStdin := g.read("stdin", false)
	if hasStdin {
		stdinText = subst(stdinText)
	}
	r.cmd = strings.Join(argv, "\n") + "\n"
	r.stdin = stdinText
	stdout, stderr, rc := runGolden(env, work, argv[1:], stdinText, hasStdin)
	// The next case starts a fresh daemon.
	if _, errText, code := runGolden(env, work, []string{"stop"}, "", false); code != 0 {
		t.Logf("konnectd stop: exit %d: %s", code, redactNormalised(errText))
	}
	r.stdout, r.stderr = programName(stdout), programName(stderr)
	r.requests = proxy.requests()
	for _, f := range proxy.failures() {
		t.Errorf("proxy: %s", redactNormalised(f))
	}
	got := r.normalise()
	return g.compare(t, got, fmt.Sprintf("%d\n", rc), argv)
}

// compare checks the normalised files against the recording: all four
// files, except for help cases (kongctl's flags all listed and accepted)
// and the on-purpose cases (no request that creates a token).
func (g *goldenCase) compare(t *testing.T, got [5]string, rc string, argv []string) string {
	want := func(name string) string { s, _ := g.read(name, false); return s }
	var diffs []string
	check := func(name, w, gotText string) {
		if w != gotText {
			diffs = append(diffs, shortDiff(name, w, gotText))
		}
	}
	check("rc", want("rc"), rc)
	check("stderr", want("stderr"), got[3])
	switch {
	case g.name[:3] >= "001" && g.name[:3] <= "006":
		if d := g.checkHelp(t, want("stdout"), got[2], argv); d != "" {
			diffs = append(diffs, d)
		}
		check("requests.jsonl", want("requests.jsonl"), got[4])
	case fileExists(filepath.Join(g.dir, "on-purpose")):
		check("stdout", want("stdout"), got[2])
		for _, l := range lines(got[4]) {
			if strings.HasPrefix(l, `{"method": "POST"`) && strings.Contains(l, `/access-tokens"`) {
				diffs = append(diffs, "requests.jsonl: a token was created before the error: "+l)
			}
		}
	default:
		check("stdout", want("stdout"), got[2])
		check("requests.jsonl", want("requests.jsonl"), got[4])
	}
	return strings.Join(diffs, "\n")
}

// helpFlagRE is one flag line of a cobra help text.
var helpFlagRE = regexp.MustCompile(`(?m)^\s+(?:-([A-Za-z]), )?--([a-z0-9-]+)(?: (\w+))?\s`)

// checkHelp: every flag kongctl's help lists is listed in konnectd's (with
// the same shorthand) and accepted with a value of its type.
func (g *goldenCase) checkHelp(t *testing.T, want, got string, argv []string) string {
	var problems []string
	var extra []string
	listed := map[string]string{}
	for _, m := range helpFlagRE.FindAllStringSubmatch(got, -1) {
		listed[m[2]] = m[1]
	}
	for _, m := range helpFlagRE.FindAllStringSubmatch(want, -1) {
		short, long, typ := m[1], m[2], m[3]
		gotShort, ok := listed[long]
		switch {
		case !ok:
			problems = append(problems, "--"+long+" is not listed")
		case gotShort != short:
			problems = append(problems, fmt.Sprintf("--%s has shorthand %q, kongctl's is %q", long, gotShort, short))
		}
		if long == "help" {
			continue
		}
		v := map[string]string{"": "true", "string": "x", "int": "1", "duration": "1s"}[typ]
		extra = append(extra, "--"+long+"="+v)
	}
	if len(problems) == 0 {
		// Accepted: the flags parse (with --help, nothing runs).
		args := append(append(append([]string{}, argv[1:len(argv)-1]...), extra...), "--help")
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}
		if out, err := cmd.CombinedOutput(); err != nil {
			problems = append(problems, fmt.Sprintf("the flags are not all accepted: %v: %s", err, firstLine(string(out))))
		}
	}
	if len(problems) == 0 {
		return ""
	}
	return "stdout (help): " + strings.Join(problems, "; ")
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func slicesDeleteVar(env []string, name string) []string {
	out := env[:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// programNameRE finds konnectd naming itself where kongctl names itself:
// in usage hints and quoted command paths.
var programNameRE = regexp.MustCompile(`(['"])konnectd\b`)

// programName compares the program names as if they were equal (README,
// "The program's own name").
func programName(s string) string { return programNameRE.ReplaceAllString(s, "${1}kongctl") }

// redactNormalised keeps tokens out of test output.
func redactNormalised(s string) string {
	return goldenSpatRE.ReplaceAllString(goldenKpatRE.ReplaceAllString(s, "<KPAT>"), "<SPAT>")
}

// runGolden runs konnectd in the case's world.
func runGolden(env []string, dir string, args []string, stdin string, hasStdin bool) (string, string, int) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env, cmd.Dir = env, dir
	if hasStdin {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return out.String(), errb.String(), 124
	case errors.As(err, &ee):
		return out.String(), errb.String(), ee.ExitCode()
	case err != nil:
		return out.String(), errb.String() + err.Error(), 127
	}
	return out.String(), errb.String(), 0
}

// startGoldenEmulator runs "konnectd emulator" as the recording did and
// returns its URL, its admin token and how to stop it.
func startGoldenEmulator(t *testing.T, dir string, args []string) (string, string, func()) {
	cmd := exec.Command(bin, append([]string{"emulator", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb lockedBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
	}
	sc := bufio.NewScanner(out)
	var base, pat string
	for (base == "" || pat == "") && sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "KONNECT_BASE_URL="); ok {
			base = v
		}
		if v, ok := strings.CutPrefix(sc.Text(), "KONNECT_PAT="); ok {
			pat = v
		}
	}
	if base == "" || pat == "" {
		stop()
		t.Fatalf("emulator did not start: %s", redactNormalised(errb.String()))
	}
	return base, pat, stop
}

// shortDiff shows where two texts part: the first differing lines, with
// a line of context, at most a few.
func shortDiff(name, want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	fmt.Fprintf(&b, "%s:\n", name)
	shown := 0
	for i := 0; i < max(len(wl), len(gl)) && shown < 6; i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w == g && i < len(wl) && i < len(gl) {
			continue
		}
		if i < len(wl) {
			fmt.Fprintf(&b, "  -kongctl  %3d: %q\n", i+1, w)
		}
		if i < len(gl) {
			fmt.Fprintf(&b, "  +konnectd %3d: %q\n", i+1, g)
		}
		shown++
	}
	if shown == 0 {
		b.WriteString("  (same lines; differs in the final newline)\n")
	}
	return b.String()
}
