package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/konnectd/konnectd/internal/redact"
)

// Not shaped like a real token on purpose, so a failing comparison prints
// nothing that looks like a secret.
const loginTokenJSON = `{"token":{"access_token":"jwt-from-login","refresh_token":"refresh-value","token_type":"Bearer","expires_in":3599,"scope":""},"received_at":"2026-11-23T11:33:33.325883397Z"}`

func TestReadLoginToken(t *testing.T) {
	dir := t.TempDir()
	path := LoginTokenFile(filepath.Join(dir, "config.yaml"), "team-a")
	if path != filepath.Join(dir, ".team-a-konnect-token.json") {
		t.Fatalf("LoginTokenFile = %q", path)
	}
	writeFile(t, path, loginTokenJSON)
	before, _ := os.Stat(path)
	lt, err := ReadLoginToken(path)
	if err != nil {
		t.Fatal(err)
	}
	if lt.Token.AccessToken != "jwt-from-login" || lt.Token.RefreshToken != "refresh-value" || lt.Token.ExpiresIn != 3599 {
		t.Errorf("parsed %s", lt)
	}
	if want := time.Date(2026, 11, 23, 12, 33, 32, 325883397, time.UTC); !lt.ExpiresAt().Equal(want) {
		t.Errorf("ExpiresAt = %v, want %v", lt.ExpiresAt(), want)
	}
	if lt.Expired(lt.ExpiresAt().Add(-61*time.Second)) || !lt.Expired(lt.ExpiresAt().Add(-59*time.Second)) {
		t.Error("expiry must count from 60 s before expires_in runs out")
	}
	if s := lt.String(); strings.Contains(s, "jwt-from-login") || strings.Contains(s, "refresh-value") {
		t.Errorf("String shows a token: %s", s)
	}
	after, _ := os.Stat(path)
	if !after.ModTime().Equal(before.ModTime()) {
		t.Error("reading the token file changed it")
	}

	if _, err := ReadLoginToken(filepath.Join(dir, "none.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	secret := "kpat_" + strings.Repeat("Q7x", 15)
	writeFile(t, path, `{"token":{"access_token":"`+secret+`"`)
	if _, err := ReadLoginToken(path); err == nil || strings.Contains(err.Error(), secret) || redact.Contains(err.Error()) {
		t.Errorf("broken file: %s", redact.String(err.Error()))
	}
}

func TestCredentialOrder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	f, err := Parse(path, []byte("team-b:\n  konnect:\n    pat: from-file\n"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, LoginTokenFile(path, "team-b"), loginTokenJSON)
	env := Env{"KONGCTL_TEAM_B_KONNECT_PAT": "from-env"}
	keychain := func(p string) (string, error) {
		if p != "team-b" {
			t.Errorf("keychain asked for %q", p)
		}
		return "from-keychain", nil
	}
	p, err := f.Profile("team-b", env, nil)
	if err != nil {
		t.Fatal(err)
	}
	check := func(explicit string, kc KeychainLookup, token string, src Source) *Credential {
		t.Helper()
		c, err := p.Credential(explicit, kc)
		if err != nil {
			t.Fatalf("want %s, got error %v", src, err)
		}
		if c.Token != token || c.Source != src {
			t.Errorf("got %q from %s, want %q from %s", c.Token, c.Source, token, src)
		}
		return c
	}
	check("from-param", keychain, "from-param", SourceParam)
	if c := check("", keychain, "from-env", SourceEnv); c.Where != "KONGCTL_TEAM_B_KONNECT_PAT" {
		t.Errorf("env Where = %q", c.Where)
	}
	delete(env, "KONGCTL_TEAM_B_KONNECT_PAT")
	check("", keychain, "from-keychain", SourceKeychain)
	empty := func(string) (string, error) { return "", nil }
	if c := check("", empty, "from-file", SourceFile); !c.Plaintext || c.Where != path+":3:10" {
		t.Errorf("file credential: %+v", c.String())
	}
	if c := check("", nil, "from-file", SourceFile); strings.Contains(c.String(), "from-file") {
		t.Errorf("String shows the token: %s", c)
	}
	p.values = nil // as if the file had no pat for the profile
	if c := check("", empty, "jwt-from-login", SourceLoginToken); c.Login == nil || c.Where != LoginTokenFile(path, "team-b") {
		t.Errorf("login credential: %s", c)
	}

	boom := errors.New("keychain locked")
	if _, err := p.Credential("", func(string) (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Errorf("keychain error must stop resolution: %v", err)
	}

	if err := os.Remove(LoginTokenFile(path, "team-b")); err != nil {
		t.Fatal(err)
	}
	_, err = p.Credential("", empty)
	var nt *NoTokenError
	if !errors.As(err, &nt) || nt.Profile != "team-b" {
		t.Fatalf("want *NoTokenError, got %v", err)
	}
}

func TestNoTokenMessage(t *testing.T) {
	want := `authentication token not available. Use one of the following to authorize konnectd:
  - 'konnectd login --profile team-b' to store a token in the system keychain
  - 'kongctl login --profile team-b' to authenticate via the web
  - pass a token in the request's pat parameter (RPC and MCP clients)
  - set the KONGCTL_TEAM_B_KONNECT_PAT environment variable
  - configure a token value in the 'team-b.konnect.pat' path of your configuration file`
	if got := NoTokenMessage("team-b"); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if got := NoTokenMessage("default"); !strings.HasPrefix(got, "authentication token not available. Use one of the following to authorize konnectd:\n  - 'konnectd login' to") ||
		!strings.Contains(got, "KONGCTL_DEFAULT_KONNECT_PAT") {
		t.Errorf("default:\n%s", got)
	}
}
