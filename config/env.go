package config

import (
	"strings"
)

// Env holds the caller's KONGCTL_* variables. konnectd call forwards them with
// each request, so overrides follow the caller, not whatever environment the
// daemon happened to start in.
type Env map[string]string

// EnvFromList keeps the KONGCTL_* entries of an os.Environ-style list.
func EnvFromList(environ []string) Env {
	env := Env{}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if ok && strings.HasPrefix(k, "KONGCTL_") {
			env[k] = v
		}
	}
	return env
}

// EnvVar is the variable that overrides key for profile, the way kongctl
// (viper with the "kongctl" prefix) spells it: upper case, with "." and "-"
// turned into "_". EnvVar("team-a", "konnect.pat") is
// "KONGCTL_TEAM_A_KONNECT_PAT".
func EnvVar(profile, key string) string {
	return "KONGCTL_" + envPart(profile) + "_" + envPart(key)
}

func envPart(s string) string {
	return strings.NewReplacer(".", "_", "-", "_").Replace(strings.ToUpper(strings.TrimSpace(s)))
}

// lookup returns a set, non-empty override. Like viper (AllowEmptyEnv off),
// an empty variable counts as unset.
func (e Env) lookup(name string) (string, bool) {
	v, ok := e[name]
	return v, ok && v != ""
}

// mentions reports whether any KONGCTL_<PROFILE>_* variable is set, which is
// enough for kongctl to treat the profile as configured.
func (e Env) mentions(profile string) bool {
	prefix := "KONGCTL_" + envPart(profile) + "_"
	for k, v := range e {
		if strings.HasPrefix(k, prefix) && v != "" {
			return true
		}
	}
	return false
}

// SelectProfile picks the profile for a request: the request's own parameter,
// then the connection's default (from initialize), then KONGCTL_PROFILE in the
// caller's environment, then "default". Blank values are skipped.
func SelectProfile(param, connectionDefault string, env Env) string {
	for _, p := range []string{param, connectionDefault, env["KONGCTL_PROFILE"]} {
		if p = strings.TrimSpace(p); p != "" {
			return p
		}
	}
	return DefaultProfile
}
