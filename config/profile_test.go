package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnvVar(t *testing.T) {
	for _, c := range [][3]string{
		{"default", "konnect.pat", "KONGCTL_DEFAULT_KONNECT_PAT"},
		{"team-a", "konnect.pat", "KONGCTL_TEAM_A_KONNECT_PAT"},
		{"default", "jq.default-expression", "KONGCTL_DEFAULT_JQ_DEFAULT_EXPRESSION"},
		{"default", "jq.raw-output", "KONGCTL_DEFAULT_JQ_RAW_OUTPUT"},
	} {
		if got := EnvVar(c[0], c[1]); got != c[2] {
			t.Errorf("EnvVar(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

func TestEnvFromList(t *testing.T) {
	env := EnvFromList([]string{"HOME=/h", "KONGCTL_PROFILE=x", "KONGCTL_DEFAULT_OUTPUT=yaml=y"})
	if len(env) != 2 || env["KONGCTL_DEFAULT_OUTPUT"] != "yaml=y" {
		t.Errorf("EnvFromList = %v", env)
	}
}

func TestEnvOverridesFile(t *testing.T) {
	f, err := Parse("/c/config.yaml", []byte("team-a:\n  output: text\n  konnect: {page-size: 5, region: eu}\n"))
	if err != nil {
		t.Fatal(err)
	}
	env := Env{
		"KONGCTL_TEAM_A_OUTPUT":            "yaml",
		"KONGCTL_TEAM_A_KONNECT_PAGE_SIZE": "25",
		"KONGCTL_TEAM_A_KONNECT_REGION":    "", // empty counts as unset, as in viper
		"KONGCTL_TEAM_A_JQ_RAW_OUTPUT":     "true",
		"KONGCTL_DEFAULT_OUTPUT":           "json", // another profile's: ignored
		"KONGCTL_OUTPUT":                   "json", // profile-less: ignored, as kongctl does
	}
	p, err := f.Profile("team-a", env, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Output() != "yaml" {
		t.Errorf("output = %q", p.Output())
	}
	if s, _ := p.Lookup(KeyOutput); s.Source != SourceEnv || s.Where != "KONGCTL_TEAM_A_OUTPUT" {
		t.Errorf("output source = %+v", s)
	}
	if n, err := p.PageSize(); n != 25 || err != nil {
		t.Errorf("page size = %d, %v", n, err)
	}
	if u, _ := p.BaseURL(); u != "https://eu.api.konghq.com" {
		t.Errorf("empty env var must not hide the file's region: %q", u)
	}
	if b, ok, err := p.Bool(KeyJQRawOutput); !b || !ok || err != nil {
		t.Errorf("jq.raw-output from env = %v, %v, %v", b, ok, err)
	}
	env["KONGCTL_TEAM_A_KONNECT_PAGE_SIZE"] = "lots"
	if _, err := p.PageSize(); err == nil || !strings.Contains(err.Error(), `KONGCTL_TEAM_A_KONNECT_PAGE_SIZE: konnect.page-size "lots" is not a whole number`) {
		t.Errorf("bad page size: %v", err)
	}
}

func TestSelectProfile(t *testing.T) {
	env := Env{"KONGCTL_PROFILE": "from-env"}
	for _, c := range []struct{ param, conn, want string }{
		{"param", "conn", "param"},
		{" ", "conn", "conn"},
		{"", "", "from-env"},
	} {
		if got := SelectProfile(c.param, c.conn, env); got != c.want {
			t.Errorf("SelectProfile(%q, %q) = %q, want %q", c.param, c.conn, got, c.want)
		}
	}
	if got := SelectProfile("", "", nil); got != "default" {
		t.Errorf("nothing set: %q", got)
	}
}

func TestUnknownProfile(t *testing.T) {
	dir := t.TempDir()
	f, err := Parse(filepath.Join(dir, "config.yaml"), []byte("team-a:\n  output: json\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Profile("nosuch", Env{"KONGCTL_NOSUCHX_OUTPUT": "json"}, func(string) bool { return false })
	var u *UnknownProfileError
	if !errors.As(err, &u) {
		t.Fatalf("want *UnknownProfileError, got %v", err)
	}
	const kongctl = `profile "nosuch" is not configured.

Available profiles:
    default
    team-a

Use one of these profiles, or run kongctl login with --profile set to "nosuch" to authenticate with this profile.`
	if u.KongctlText() != kongctl {
		t.Errorf("kongctl text:\n%s\nwant:\n%s", u.KongctlText(), kongctl)
	}
	if want := kongctl + "\nOr run konnectd login with --profile set to \"nosuch\" to store a token for this profile in the keychain."; err.Error() != want {
		t.Errorf("Error():\n%s", err)
	}

	// Each of these makes a profile configured.
	if _, err := f.Profile("DEFAULT", nil, nil); err != nil {
		t.Errorf("default: %v", err)
	}
	if _, err := f.Profile("Team-A", nil, nil); err != nil {
		t.Errorf("file, other case: %v", err)
	}
	if _, err := f.Profile("ci-bot", Env{"KONGCTL_CI_BOT_KONNECT_PAT": "x"}, nil); err != nil {
		t.Errorf("env var: %v", err)
	}
	if _, err := f.Profile("kc", nil, func(p string) bool { return p == "kc" }); err != nil {
		t.Errorf("keychain callback: %v", err)
	}
	writeFile(t, LoginTokenFile(f.Path(), "web"), loginTokenJSON)
	if _, err := f.Profile("web", nil, nil); err != nil {
		t.Errorf("login token file: %v", err)
	}
}

func TestRegionURL(t *testing.T) {
	for in, want := range map[string]string{" EU ": "https://eu.api.konghq.com", "global": "https://global.api.konghq.com", "xx": "https://xx.api.konghq.com"} {
		if got, err := RegionURL(in); got != want || err != nil {
			t.Errorf("RegionURL(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := RegionURL("e_u"); err == nil || err.Error() != `invalid konnect region "e_u" (expected lowercase letters, numbers, or hyphens)` {
		t.Errorf("bad region: %v", err)
	}
}
