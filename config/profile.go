package config

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/konnectd/konnectd/internal/redact"
)

// kongctl's setting paths that konnectd reads. Any other key is kept and can
// be read with Profile.String and friends.
const (
	KeyPAT                 = "konnect.pat"
	KeyBaseURL             = "konnect.base-url"
	KeyRegion              = "konnect.region"
	KeyPageSize            = "konnect.page-size"
	KeyOutput              = "output"
	KeyLogLevel            = "log-level"
	KeyJQDefaultExpression = "jq.default-expression"
	KeyJQRawOutput         = "jq.raw-output"
	KeyJQColorEnabled      = "jq.color.enabled"
	KeyJQColorTheme        = "jq.color.theme"
)

// Profile is one profile's settings as seen by one caller: the file's values
// with that caller's KONGCTL_<PROFILE>_<PATH> variables on top.
type Profile struct {
	// Name is the profile as requested (trimmed, case kept: kongctl names
	// the login token file after it). Lookups in the file ignore case.
	Name       string
	configPath string
	values     map[string]value // nil when the file has no section
	env        Env
}

// Profile returns the named profile for a caller with environment env. A
// profile is configured when it is "default", has a section in the file, has
// any KONGCTL_<PROFILE>_* variable set, has a kongctl login token file, or
// known (may be nil) says so: the daemon passes a keychain check there, which
// this package cannot make itself. Otherwise the error is an
// *UnknownProfileError carrying kongctl's message.
func (f *File) Profile(name string, env Env, known func(profile string) bool) (*Profile, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = DefaultProfile
	}
	p := &Profile{Name: name, configPath: f.path, env: env}
	if d, ok := f.profiles[strings.ToLower(name)]; ok {
		p.values = d.values
		return p, nil
	}
	if strings.EqualFold(name, DefaultProfile) || env.mentions(name) ||
		slices.Contains(f.tokenProfiles, name) || fileExists(LoginTokenFile(f.path, name)) ||
		(known != nil && known(name)) {
		return p, nil
	}
	return nil, &UnknownProfileError{Name: name, Available: f.Profiles()}
}

// UnknownProfileError is a profile nobody configured, most often a typo.
type UnknownProfileError struct {
	Name      string
	Available []string
}

// KongctlText is kongctl's message, word for word.
func (e *UnknownProfileError) KongctlText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "profile %q is not configured.\n\nAvailable profiles:\n", e.Name)
	for _, p := range e.Available {
		fmt.Fprintf(&b, "    %s\n", p)
	}
	fmt.Fprintf(&b, "\nUse one of these profiles, or run kongctl login with --profile set to %q to authenticate with this profile.", e.Name)
	return b.String()
}

// Error is kongctl's message plus one line for konnectd's own way in, since
// a token stored with konnectd login also makes the profile configured.
func (e *UnknownProfileError) Error() string {
	return e.KongctlText() + fmt.Sprintf("\nOr run konnectd login with --profile set to %q to store a token for this profile in the keychain.", e.Name)
}

// Source says where a setting or credential came from.
type Source string

const (
	SourceNone       Source = ""
	SourceParam      Source = "param"
	SourceEnv        Source = "env"
	SourceKeychain   Source = "keychain"
	SourceFile       Source = "config-file"
	SourceLoginToken Source = "login-token"
)

// Setting is one resolved value and where it came from. Where is an env var
// name or "path:line:column"; it never holds the value.
type Setting struct {
	Text   string // the value as text (env value or the scalar as written)
	Raw    any    // decoded YAML for file values; the string for env values
	Source Source
	Where  string
}

// Lookup resolves a dotted kongctl path: the caller's env override first,
// then the file. Keys are case-insensitive.
func (p *Profile) Lookup(key string) (Setting, bool) {
	key = normKey(key)
	name := EnvVar(p.Name, key)
	if v, ok := p.env.lookup(name); ok {
		return Setting{Text: v, Raw: v, Source: SourceEnv, Where: name}, true
	}
	v, ok := p.values[key]
	if !ok || v.raw == nil {
		return Setting{}, false
	}
	return Setting{Text: v.text, Raw: v.raw, Source: SourceFile,
		Where: fmt.Sprintf("%s:%d:%d", p.configPath, v.line, v.column)}, true
}

// String returns a setting as text. Lists and mappings are not strings.
func (p *Profile) String(key string) (string, bool) {
	s, ok := p.Lookup(key)
	if !ok {
		return "", false
	}
	if s.Source == SourceFile && !p.values[normKey(key)].scalar {
		return "", false
	}
	return s.Text, true
}

// Int returns a whole-number setting; ok is false when it is not set.
func (p *Profile) Int(key string) (n int, ok bool, err error) {
	s, ok := p.Lookup(key)
	if !ok {
		return 0, false, nil
	}
	if i, isInt := s.Raw.(int); isInt {
		return i, true, nil
	}
	n, err = strconv.Atoi(strings.TrimSpace(s.Text))
	if err != nil {
		return 0, true, badValue(key, s, "a whole number")
	}
	return n, true, nil
}

// Bool returns a true/false setting (strconv.ParseBool's spellings, as
// viper's cast accepts); ok is false when it is not set.
func (p *Profile) Bool(key string) (b bool, ok bool, err error) {
	s, ok := p.Lookup(key)
	if !ok {
		return false, false, nil
	}
	if v, isBool := s.Raw.(bool); isBool {
		return v, true, nil
	}
	b, err = strconv.ParseBool(strings.TrimSpace(s.Text))
	if err != nil {
		return false, true, badValue(key, s, "true or false")
	}
	return b, true, nil
}

// Keys lists the dotted paths the file sets for this profile (env-only
// settings are not listed: their names cannot be mapped back to paths).
func (p *Profile) Keys() []string {
	return slices.Sorted(maps.Keys(p.values))
}

func badValue(key string, s Setting, want string) error {
	// The value is shown only for keys that cannot hold a secret.
	shown := ""
	if !secretKey(key) {
		shown = fmt.Sprintf(" %q", redact.String(s.Text))
	}
	return fmt.Errorf("%s: %s%s is not %s", s.Where, key, shown, want)
}

func secretKey(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "pat") || strings.Contains(k, "token") || strings.Contains(k, "secret")
}

// PageSize is konnect.page-size, default 10 as in kongctl.
func (p *Profile) PageSize() (int, error) {
	n, ok, err := p.Int(KeyPageSize)
	switch {
	case err != nil:
		return 0, err
	case !ok:
		return 10, nil
	case n < 1:
		s, _ := p.Lookup(KeyPageSize)
		return 0, fmt.Errorf("%s: %s must be at least 1", s.Where, KeyPageSize)
	}
	return n, nil
}

// Output is the output format, default "text".
func (p *Profile) Output() string { return p.stringOr(KeyOutput, "text") }

// LogLevel is log-level, default "error".
func (p *Profile) LogLevel() string { return p.stringOr(KeyLogLevel, "error") }

func (p *Profile) stringOr(key, def string) string {
	if s, ok := p.String(key); ok && strings.TrimSpace(s) != "" {
		return strings.TrimSpace(s)
	}
	return def
}

func normKey(key string) string { return strings.ToLower(strings.TrimSpace(key)) }
