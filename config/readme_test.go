package config

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestREADMESampleConfig keeps the README's sample config.yaml true: it
// parses, and its two profiles resolve to the URLs the README says.
func TestREADMESampleConfig(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "A sample\nwith two profiles")
	if !ok {
		t.Fatal("README has no sample config")
	}
	_, rest, _ = strings.Cut(rest, "```yaml\n")
	sample, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("the README's sample config block is not closed")
	}
	f, err := Parse("/home/u/.config/kongctl/config.yaml", []byte(sample))
	if err != nil {
		t.Fatalf("the README's sample does not parse: %v", err)
	}
	if got := f.Profiles(); !slices.Equal(got, []string{"default", "emulator"}) {
		t.Errorf("profiles = %v", got)
	}
	for name, want := range map[string]string{"default": "https://eu.api.konghq.com", "emulator": "http://127.0.0.1:8089"} {
		p, err := f.Profile(name, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if u, err := p.BaseURL(); err != nil || u != want {
			t.Errorf("%s: base URL %q, %v; want %q", name, u, err, want)
		}
	}
}
