package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/konnectd/konnectd/internal/redact"
)

const sample = `default:
  output: json
  konnect:
    region: eu
    page-size: 50
  jq.raw-output: true
Team-A:
  konnect:
    base-url: https://team-a.example
  future-setting:
    nested: [1, 2]
empty:
`

func TestParseProfilesAndValues(t *testing.T) {
	f, err := Parse("/c/config.yaml", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Profiles(), []string{"default", "empty", "team-a"}; !slices.Equal(got, want) {
		t.Errorf("Profiles() = %v, want %v", got, want)
	}
	p, err := f.Profile("default", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := p.String("OUTPUT"); !ok || s != "json" {
		t.Errorf("output = %q, %v", s, ok)
	}
	if n, ok, err := p.Int(KeyPageSize); n != 50 || !ok || err != nil {
		t.Errorf("page-size = %d, %v, %v", n, ok, err)
	}
	// A flat dotted key is the same path as nested mappings (viper reads both).
	if b, ok, err := p.Bool(KeyJQRawOutput); !b || !ok || err != nil {
		t.Errorf("jq.raw-output = %v, %v, %v", b, ok, err)
	}
	if u, err := p.BaseURL(); err != nil || u != "https://eu.api.konghq.com" {
		t.Errorf("BaseURL = %q, %v", u, err)
	}
	s, _ := p.Lookup(KeyRegion)
	if s.Where != "/c/config.yaml:4:13" || s.Source != SourceFile {
		t.Errorf("region Where = %q, Source = %q", s.Where, s.Source)
	}

	a, err := f.Profile("team-a", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := a.BaseURL(); err != nil || u != "https://team-a.example" {
		t.Errorf("team-a BaseURL = %q, %v", u, err)
	}
	if _, ok := a.String("future-setting.nested"); ok {
		t.Error("a list read as a string")
	}
	if s, ok := a.Lookup("future-setting.nested"); !ok || len(s.Raw.([]any)) != 2 {
		t.Errorf("unknown key not kept: %+v", s)
	}
	if got := a.Keys(); !slices.Equal(got, []string{"future-setting.nested", "konnect.base-url"}) {
		t.Errorf("Keys() = %v", got)
	}
	if n, err := a.PageSize(); n != 10 || err != nil {
		t.Errorf("default page size = %d, %v", n, err)
	}
	if a.Output() != "text" || a.LogLevel() != "error" {
		t.Errorf("defaults: output %q, log-level %q", a.Output(), a.LogLevel())
	}
}

func TestParseAnchorsAndMerge(t *testing.T) {
	f, err := Parse("/c", []byte("base: &b\n  output: yaml\n  konnect: {region: au}\nci:\n  <<: *b\n  output: json\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := f.Profile("ci", nil, nil)
	if s, _ := p.String("output"); s != "json" {
		t.Errorf("own key must beat the merged one: %q", s)
	}
	if s, _ := p.String("konnect.region"); s != "au" {
		t.Errorf("merged key: %q", s)
	}
}

func TestParseErrorsHaveLineAndColumn(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"syntax", "a:\n  b: c\n   d: e\n", "config file /c/config.yaml: line 3, column 5: mapping values are not allowed in this context"},
		// yaml.v3 alone says "line 1" for this one and gives no line at all
		// for the next: the position must be the problem's own.
		{"bad indent", "default:\n  konnect:\n    pat: x\n   region: eu\n", "config file /c/config.yaml: line 4, column 4: did not find expected key"},
		{"inline mapping", "a: b: c\n", "config file /c/config.yaml: line 1, column 5: mapping values are not allowed in this context"},
		{"unclosed list", "default:\n  konnect:\n   base-url: [oops\n", "config file /c/config.yaml: line 4, column 1: did not find expected ',' or ']'"},
		{"top level list", "- a\n- b\n", "config file /c/config.yaml: line 1, column 1: the top level must map profile names"},
		{"profile scalar", "default: json\n", "config file /c/config.yaml: line 1, column 10: profile \"default\" must be a mapping"},
		{"duplicate profile", "a: {}\nA: {}\n", "config file /c/config.yaml: line 2, column 1: profile \"a\" is already defined at line 1"},
		{"duplicate key", "a:\n  output: x\n  output: y\n", "config file /c/config.yaml: line 3, column 3: setting \"a.output\" is already defined at line 2"},
	}
	for _, c := range cases {
		_, err := Parse("/c/config.yaml", []byte(c.data))
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %v, want prefix %q", c.name, err, c.want)
		}
	}
}

func TestParseErrorNeverShowsSecret(t *testing.T) {
	secret := "kpat_" + strings.Repeat("Zq9", 15)
	data := "default:\n  konnect:\n    pat: " + secret + "\n    pat: " + secret + "\n  x: [" + secret + "\n"
	for _, d := range []string{data, "default:\n  konnect: {pat: " + secret + "}\n  konnect: 1\n"} {
		_, err := Parse("/c", []byte(d))
		if err == nil {
			t.Fatal("want an error")
		}
		if strings.Contains(err.Error(), secret) || redact.Contains(err.Error()) {
			t.Errorf("error holds the secret: %s", redact.String(err.Error()))
		}
	}
}

func TestLoadFindsTokenProfiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, "team-a: {}\n")
	writeFile(t, filepath.Join(dir, ".ci-konnect-token.json"), loginTokenJSON)
	f, err := Load(Location{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Profiles(); !slices.Equal(got, []string{"ci", "default", "team-a"}) {
		t.Errorf("Profiles() = %v", got)
	}
}

func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}
