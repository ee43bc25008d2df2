package core_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/core"
)

func writeConfig(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestCallerConfigFile: a Service over a config.Set resolves each caller's
// profile from the caller's file; a file broken since start is the error
// (not an empty config), one broken after loading is a warning on the
// session; a plain ConfigSource refuses other files.
func TestCallerConfigFile(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	writeConfig(t, a, "default:\n  konnect:\n    region: eu\n  output: [\n")
	writeConfig(t, b, "default:\n  konnect:\n    region: au\n")
	set, err := config.NewSet(context.Background(), config.Location{Path: a, Explicit: true}, config.SetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { set.Close() })
	svc := core.New(core.Options{Config: set})
	env := config.Env{"KONGCTL_DEFAULT_KONNECT_PAT": "kpat_" + strings.Repeat("x", 49)}

	_, err = svc.Resolve(context.Background(), core.Caller{Env: env})
	var pe *core.ProfileError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "config file "+a+": line 5, column 1") {
		t.Fatalf("A broken from the start: %v", err)
	}
	sess, err := svc.Resolve(context.Background(), core.Caller{Env: env, ConfigFile: b})
	if err != nil {
		t.Fatalf("B: %v", err)
	}
	if sess.BaseURL != "https://au.api.konghq.com" || sess.ConfigWarning != "" {
		t.Fatalf("B: base URL %s, warning %q", sess.BaseURL, sess.ConfigWarning)
	}

	writeConfig(t, b, "default: [\n")
	deadline := time.Now().Add(10 * time.Second)
	for {
		sess, err = svc.Resolve(context.Background(), core.Caller{Env: env, ConfigFile: b})
		if err != nil {
			t.Fatal(err)
		}
		if sess.ConfigWarning != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no warning after B broke")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if sess.BaseURL != "https://au.api.konghq.com" || !strings.Contains(sess.ConfigWarning, "config file "+b+": line 2") ||
		!strings.Contains(sess.ConfigWarning, "using the last good version of the file (invalid since ") {
		t.Errorf("B broken after loading: %q, %s", sess.ConfigWarning, sess.BaseURL)
	}

	f, err := config.Parse(a, []byte("default: {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	plain := core.New(core.Options{Config: fixedConfig{f}})
	if _, err := plain.Resolve(context.Background(), core.Caller{Env: env, ConfigFile: b}); !errors.As(err, &pe) {
		t.Errorf("a single-file source served another file: %v", err)
	}
}
