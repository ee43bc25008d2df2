package config

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultProfile exists whether or not the file mentions it.
const DefaultProfile = "default"

// File is one parsed config file: a set of profiles, each a flat map of
// dotted kongctl paths ("konnect.pat", "jq.color.enabled") to values. Keys of
// every kind are kept, known or not, so a newer kongctl's settings survive.
//
// Names and keys are lower-cased on the way in because kongctl reads the file
// through viper, which is case-insensitive. A File is immutable once built
// and safe to share between goroutines.
type File struct {
	path     string
	exists   bool
	sum      [sha256.Size]byte
	profiles map[string]*profileData
	// tokenProfiles are the profiles that have a kongctl login token file
	// next to the config file; kongctl counts those as configured.
	tokenProfiles []string
}

type profileData struct {
	line, column int
	values       map[string]value
}

// value is one setting as written in the file.
type value struct {
	raw          any    // decoded YAML: string, int, float64, bool, nil, []any, map[string]any
	text         string // the scalar as written; empty for collections
	scalar       bool
	line, column int
}

// Load reads and parses the file at loc. A missing default file is an empty
// config; a missing explicit file is ErrConfigFileNotExist. The file is only
// ever opened for reading, and only when it is a regular file of at most
// MaxFileSize bytes.
func Load(loc Location) (*File, error) {
	data, err := readLimited(loc.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if loc.Explicit {
			return nil, ErrConfigFileNotExist
		}
		f := empty(loc.Path)
		f.tokenProfiles = scanTokenProfiles(loc.Path)
		return f, nil
	case errors.As(err, new(*ParseError)):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("config file %s: %w", loc.Path, err)
	}
	f, err := Parse(loc.Path, data)
	if err != nil {
		return nil, err
	}
	f.tokenProfiles = scanTokenProfiles(loc.Path)
	return f, nil
}

func empty(path string) *File {
	return &File{path: path, profiles: map[string]*profileData{}}
}

// Parse parses data as the config file at path (path is used for messages and
// to find login token files). Errors read
// "config file <path>: line L, column C: <problem>". Data over MaxFileSize
// and aliases that expand past MaxAliasNodes are refused like any other
// invalid file.
func Parse(path string, data []byte) (*File, error) {
	if len(data) > MaxFileSize {
		return nil, tooLarge(path)
	}
	f := empty(path)
	f.exists = true
	f.sum = sha256.Sum256(data)
	if len(bytes.TrimSpace(data)) == 0 {
		return f, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlSyntaxErr(path, data, err)
	}
	if len(doc.Content) == 0 {
		return f, nil
	}
	if err := checkAliases(path, &doc); err != nil {
		return nil, err
	}
	root := resolveAlias(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return f, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, nodeErr(path, root, "the top level must map profile names to their settings, found %s", kindName(root))
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], resolveAlias(root.Content[i+1])
		name := strings.ToLower(k.Value)
		if prev, ok := seen[name]; ok {
			return nil, nodeErr(path, k, "profile %q is already defined at line %d", name, prev.Line)
		}
		seen[name] = k
		p := &profileData{line: k.Line, column: k.Column, values: map[string]value{}}
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
			// "team-a:" with nothing under it is an empty profile.
		case v.Kind == yaml.MappingNode:
			if err := flatten(path, "", v, p.values, name+"."); err != nil {
				return nil, err
			}
		default:
			return nil, nodeErr(path, v, "profile %q must be a mapping of settings, found %s", name, kindName(v))
		}
		f.profiles[name] = p
	}
	return f, nil
}

// flatten walks a mapping into dotted keys. Merge keys (<<) are honoured with
// the lower precedence YAML gives them.
func flatten(path, prefix string, m *yaml.Node, out map[string]value, where string) error {
	local := map[string]*yaml.Node{}
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], resolveAlias(m.Content[i+1])
		if k.Tag == "!!merge" {
			merges = append(merges, v)
			continue
		}
		key := strings.ToLower(k.Value)
		if prev, ok := local[key]; ok {
			return nodeErr(path, k, "setting %q is already defined at line %d", where+prefix+key, prev.Line)
		}
		local[key] = k
		if err := put(path, prefix+key, v, out, where); err != nil {
			return err
		}
	}
	for _, src := range merges {
		srcs := []*yaml.Node{src}
		if src.Kind == yaml.SequenceNode {
			srcs = src.Content
		}
		for _, s := range srcs {
			s = resolveAlias(s)
			if s.Kind != yaml.MappingNode {
				return nodeErr(path, s, "a merge key (<<) needs a mapping, found %s", kindName(s))
			}
			tmp := map[string]value{}
			if err := flatten(path, prefix, s, tmp, where); err != nil {
				return err
			}
			for k, v := range tmp {
				if _, ok := out[k]; !ok {
					out[k] = v
				}
			}
		}
	}
	return nil
}

func put(path, key string, v *yaml.Node, out map[string]value, where string) error {
	if v.Kind == yaml.MappingNode {
		return flatten(path, key+".", v, out, where)
	}
	var raw any
	if err := v.Decode(&raw); err != nil {
		// Decode errors can quote the value; the value may be a secret.
		return nodeErr(path, v, "setting %q cannot be read", where+key)
	}
	val := value{raw: raw, line: v.Line, column: v.Column}
	if v.Kind == yaml.ScalarNode {
		val.scalar, val.text = true, v.Value
		if v.Tag == "!!null" {
			val.text = ""
		}
	}
	out[key] = val
	return nil
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return "a single value"
	}
	return "something else"
}

// Path is the file this config was read from (or would be).
func (f *File) Path() string { return f.path }

// Exists reports whether the file was there when it was read.
func (f *File) Exists() bool { return f.exists }

// Profiles lists the configured profiles, sorted: "default", every profile
// in the file, and every profile with a kongctl login token file.
// Profiles that exist only through KONGCTL_<P>_* variables are not listed
// because the variable name does not say whether "TEAM_A" was team-a or team_a.
func (f *File) Profiles() []string {
	names := []string{DefaultProfile}
	for n := range f.profiles {
		names = append(names, n)
	}
	names = append(names, f.tokenProfiles...)
	slices.Sort(names)
	return slices.Compact(names)
}

// InFile reports whether the file has a section for the profile.
func (f *File) InFile(profile string) bool {
	_, ok := f.profiles[strings.ToLower(strings.TrimSpace(profile))]
	return ok
}

// same reports whether two loads saw the same file content and token files;
// the watcher uses it to skip no-op reloads.
func (f *File) same(g *File) bool {
	return f.exists == g.exists && f.sum == g.sum && slices.Equal(f.tokenProfiles, g.tokenProfiles)
}
