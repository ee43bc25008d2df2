package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func envFunc(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaultPath(t *testing.T) {
	got, err := DefaultPath(envFunc(map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}))
	if err != nil || got != "/x/kongctl/config.yaml" {
		t.Errorf("with XDG_CONFIG_HOME: %q, %v", got, err)
	}
	got, err = DefaultPath(envFunc(map[string]string{"XDG_CONFIG_HOME": "", "HOME": "/h"}))
	if err != nil || got != "/h/.config/kongctl/config.yaml" {
		t.Errorf("with empty XDG_CONFIG_HOME: %q, %v", got, err)
	}
}

func TestResolvePath(t *testing.T) {
	env := map[string]string{"HOME": "/h", "DIR": "/cfg", "KONGCTL_CONFIG_FILE": "/from/env.yaml"}
	loc, err := ResolvePath("$DIR/k.yaml", envFunc(env))
	if err != nil || loc != (Location{Path: "/cfg/k.yaml", Explicit: true}) {
		t.Errorf("flag: %+v, %v", loc, err)
	}
	loc, err = ResolvePath("  ", envFunc(env))
	if err != nil || loc != (Location{Path: "/from/env.yaml", Explicit: true}) {
		t.Errorf("KONGCTL_CONFIG_FILE: %+v, %v", loc, err)
	}
	env["KONGCTL_CONFIG_FILE"] = ""
	loc, err = ResolvePath("", envFunc(env))
	if err != nil || loc != (Location{Path: "/h/.config/kongctl/config.yaml"}) {
		t.Errorf("default: %+v, %v", loc, err)
	}
}

func TestLoadMissing(t *testing.T) {
	dir := t.TempDir()
	f, err := Load(Location{Path: filepath.Join(dir, "kongctl", "config.yaml")})
	if err != nil {
		t.Fatalf("missing default file: %v", err)
	}
	if got := f.Profiles(); len(got) != 1 || got[0] != "default" || f.Exists() {
		t.Errorf("missing default file: profiles %v, exists %v", got, f.Exists())
	}
	_, err = Load(Location{Path: filepath.Join(dir, "nope.yaml"), Explicit: true})
	if !errors.Is(err, ErrConfigFileNotExist) || err.Error() != "the provided config file path does not exist" {
		t.Errorf("missing explicit file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "kongctl")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load created something: %v", err)
	}
}
