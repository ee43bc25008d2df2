package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// aliasBomb is a "billion laughs" config of about 1 KB: nine levels of
// nine aliases each, 9^9 (387 million) leaves once expanded, under a
// profile so that flatten and Decode would both walk it.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("default:\n  konnect:\n    region: eu\nbomb:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&b, "  a%d: &a%d [", i, i)
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// mappingBomb is the same with mappings and merge keys, which flatten
// expands itself rather than through the YAML decoder.
func mappingBomb() string {
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
	b.WriteString("default:\n  <<: *m8\n")
	return b.String()
}

func TestAliasBombIsRefusedWithItsPosition(t *testing.T) {
	for name, doc := range map[string]string{"sequences": aliasBomb(), "mappings": mappingBomb()} {
		t.Run(name, func(t *testing.T) {
			if len(doc) > 2048 {
				t.Fatalf("the bomb is %d bytes, meant to be about 1 KB", len(doc))
			}
			_, err := Parse("/c/config.yaml", []byte(doc))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse = %v, want a ParseError", err)
			}
			if pe.Line == 0 || pe.Column == 0 || !strings.Contains(pe.Msg, "aliases expand to more than 100000 nodes") {
				t.Errorf("error = %q (line %d, column %d)", err, pe.Line, pe.Column)
			}
		})
	}
}

func TestAliasesWithinTheLimitStillWork(t *testing.T) {
	doc := "base: &base\n  konnect:\n    region: eu\n  output: json\ndefault:\n  <<: *base\nteam-a:\n  <<: *base\n  output: yaml\nlists:\n  l: &l [1, 2, 3]\n  m: [*l, *l]\n"
	f, err := Parse("/c/config.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.Profile("team-a", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := p.BaseURL(); err != nil || u != "https://eu.api.konghq.com" {
		t.Errorf("merged base URL = %q, %v", u, err)
	}
	if o := p.Output(); o != "yaml" {
		t.Errorf("output = %q: the profile's own key must beat the merge", o)
	}
	l, _ := f.Profile("lists", nil, nil)
	if s, ok := l.Lookup("m"); !ok || len(s.Raw.([]any)) != 2 {
		t.Errorf("list of aliases = %+v", s)
	}
}

func TestAliasCycleIsRefused(t *testing.T) {
	_, err := Parse("/c/config.yaml", []byte("default: &a\n  x: *a\n"))
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "contains it") {
		t.Fatalf("Parse = %v, want a cycle error", err)
	}
}

func TestOversizedFileIsRefusedUnread(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	// Valid YAML, just too much of it: the size alone refuses it.
	line := "# " + strings.Repeat("x", 77) + "\n"
	data := "default:\n  output: json\n" + strings.Repeat(line, MaxFileSize/len(line)+1)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(Location{Path: path, Explicit: true})
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "larger than 1048576 bytes") {
		t.Fatalf("Load = %v, want the size limit", err)
	}
	if _, err := Parse(path, []byte(data)); !errors.As(err, &pe) {
		t.Fatalf("Parse = %v, want the size limit", err)
	}
	// Exactly at the limit is fine.
	at := data[:MaxFileSize]
	at = at[:strings.LastIndexByte(at, '\n')+1]
	if err := os.WriteFile(path, []byte(at), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(Location{Path: path, Explicit: true}); err != nil {
		t.Fatalf("a file within the limit: %v", err)
	}
}

func TestNonRegularFileIsRefused(t *testing.T) {
	for _, path := range []string{"/dev/zero", t.TempDir()} {
		_, err := Load(Location{Path: path, Explicit: true})
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Msg != "not a regular file" {
			t.Errorf("Load(%s) = %v", path, err)
		}
	}
}
