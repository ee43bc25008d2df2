package config

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/konnectd/konnectd/internal/redact"
)

// KeychainLookup returns the token stored for a profile, or "" and nil when
// there is none (no entry, or no keychain on this machine). An error stops
// resolution rather than falling through to a weaker source: a locked or
// hung keychain should be reported, not silently swapped for another identity.
type KeychainLookup func(profile string) (string, error)

// Credential is the token a request will use and where it came from.
// String never shows Token.
type Credential struct {
	Token  string
	Source Source
	// Where names the place (env var, config file position, token file)
	// without its content.
	Where string
	// Plaintext is set for a pat written in the config file: auth/status
	// should warn about it.
	Plaintext bool
	// Login is set for SourceLoginToken; check Login.Expired, since
	// refreshing it is kongctl's job, not this package's.
	Login *LoginToken
}

func (c *Credential) String() string {
	if c.Where == "" {
		return "credential from " + string(c.Source)
	}
	return "credential from " + string(c.Source) + " (" + c.Where + ")"
}

// Credential resolves the token for this profile in konnectd's documented
// order:
//
//  1. explicit: the request's pat parameter
//  2. KONGCTL_<PROFILE>_KONNECT_PAT in the caller's environment
//  3. the keychain (keychain may be nil when there is none)
//  4. konnect.pat in the config file (plaintext; flagged)
//  5. kongctl's login token file .<profile>-konnect-token.json (read only)
//
// Steps 1, 2 and 4 match kongctl (flag > env > file, any PAT beats the login
// token); the keychain is konnectd's addition and sits above the plaintext
// file. With nothing found the error is a *NoTokenError.
func (p *Profile) Credential(explicit string, keychain KeychainLookup) (*Credential, error) {
	if t := strings.TrimSpace(explicit); t != "" {
		return &Credential{Token: t, Source: SourceParam, Where: "pat parameter"}, nil
	}
	name := EnvVar(p.Name, KeyPAT)
	if t, ok := p.env.lookup(name); ok && strings.TrimSpace(t) != "" {
		return &Credential{Token: strings.TrimSpace(t), Source: SourceEnv, Where: name}, nil
	}
	if keychain != nil {
		t, err := keychain(p.Name)
		if err != nil {
			// The keychain's errors start with "keychain: " themselves.
			return nil, redact.Error(fmt.Errorf("profile %q: %w", p.Name, err))
		}
		if t = strings.TrimSpace(t); t != "" {
			return &Credential{Token: t, Source: SourceKeychain, Where: "keychain"}, nil
		}
	}
	if v, ok := p.values[KeyPAT]; ok && v.scalar && strings.TrimSpace(v.text) != "" {
		return &Credential{Token: strings.TrimSpace(v.text), Source: SourceFile, Plaintext: true,
			Where: fmt.Sprintf("%s:%d:%d", p.configPath, v.line, v.column)}, nil
	}
	path := LoginTokenFile(p.configPath, p.Name)
	lt, err := ReadLoginToken(path)
	switch {
	case err == nil:
		return &Credential{Token: lt.Token.AccessToken, Source: SourceLoginToken, Where: path, Login: lt}, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("profile %q: %w", p.Name, err)
	}
	return nil, &NoTokenError{Profile: p.Name}
}

// NoTokenError means no source had a token for the profile.
type NoTokenError struct{ Profile string }

func (e *NoTokenError) Error() string { return NoTokenMessage(e.Profile) }

// NoTokenMessage is kongctl's "authentication token not available" text,
// adapted: konnectd login comes first, and the variable name is the one that
// works (KONGCTL_TEAM_B_KONNECT_PAT; kongctl prints "TEAM-B" by mistake).
func NoTokenMessage(profile string) string {
	flag := ""
	if profile != DefaultProfile {
		flag = " --profile " + profile
	}
	return "authentication token not available. Use one of the following to authorize konnectd:\n" +
		"  - 'konnectd login" + flag + "' to store a token in the system keychain\n" +
		"  - 'kongctl login" + flag + "' to authenticate via the web\n" +
		"  - pass a token in the request's pat parameter (RPC and MCP clients)\n" +
		"  - set the " + EnvVar(profile, KeyPAT) + " environment variable\n" +
		"  - configure a token value in the '" + profile + "." + KeyPAT + "' path of your configuration file"
}
