package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

const (
	tokenFilePrefix = "."
	tokenFileSuffix = "-konnect-token.json"
)

// LoginTokenFile is where kongctl login keeps the profile's token: next to
// the config file, as .<profile>-konnect-token.json.
func LoginTokenFile(configPath, profile string) string {
	return filepath.Join(filepath.Dir(configPath), tokenFilePrefix+profile+tokenFileSuffix)
}

// LoginToken is kongctl's stored login (OAuth device flow) token. Its String
// and GoString never show the tokens, so printing one by mistake is safe.
type LoginToken struct {
	Token struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		TokenType    string `json:"token_type"`
		ExpiresIn    int64  `json:"expires_in"`
		Scope        string `json:"scope"`
	} `json:"token"`
	ReceivedAt time.Time `json:"received_at"`
}

// ReadLoginToken reads a kongctl login token file. It never writes: refresh
// rewrites the file, and that stays kongctl's job. A missing file's error
// matches fs.ErrNotExist. Errors never quote the file's content.
func ReadLoginToken(path string) (*LoginToken, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("login token file: %w", err)
	}
	var t LoginToken
	if err := json.Unmarshal(data, &t); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, fmt.Errorf("login token file %s: not valid JSON at byte %d", path, syn.Offset)
		}
		return nil, fmt.Errorf("login token file %s: unexpected layout", path)
	}
	if t.Token.AccessToken == "" {
		return nil, fmt.Errorf("login token file %s: no access_token", path)
	}
	return &t, nil
}

// ExpiresAt is received_at + expires_in.
func (t *LoginToken) ExpiresAt() time.Time {
	return t.ReceivedAt.Add(time.Duration(t.Token.ExpiresIn) * time.Second)
}

// Expired uses kongctl's rule: the token counts as expired once its expiry
// is within 60 s of now.
func (t *LoginToken) Expired(now time.Time) bool {
	return !now.Add(60 * time.Second).Before(t.ExpiresAt())
}

func (t *LoginToken) String() string {
	return fmt.Sprintf("kongctl login token (received %s, expires %s)",
		t.ReceivedAt.UTC().Format(time.RFC3339), t.ExpiresAt().UTC().Format(time.RFC3339))
}

func (t *LoginToken) GoString() string { return t.String() }

// scanTokenProfiles lists profiles that have a login token file next to the
// config file. Unreadable directories give an empty list: the token files
// only add names to the list of configured profiles.
func scanTokenProfiles(configPath string) []string {
	entries, err := os.ReadDir(filepath.Dir(configPath))
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(n, tokenFilePrefix) && strings.HasSuffix(n, tokenFileSuffix) {
			if p := n[len(tokenFilePrefix) : len(n)-len(tokenFileSuffix)]; p != "" {
				names = append(names, p)
			}
		}
	}
	slices.Sort(names)
	return names
}

func fileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}
