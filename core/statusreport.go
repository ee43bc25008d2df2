package core

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/konnect"
)

// loginCommand is the konnectd login command line for profile.
func loginCommand(profile string) string {
	if profile == config.DefaultProfile {
		return "konnectd login"
	}
	return "konnectd login --profile " + profile
}

// noCredential fills st for a profile no source had a token for. When the
// keychain could not be asked, "konnectd login" (which stores into it)
// would fail too, so the hint names what works without it.
func noCredential(st *AuthStatus, haveKeychain bool) {
	p := st.Profile
	if st.KeychainError != "" {
		st.State = "keychain_unavailable"
		st.Problem = fmt.Sprintf("no credential for profile %q, and the %s keychain is unreachable, so none could be read from it (nor stored: 'konnectd login' needs it)", p, st.Keychain)
		st.Hint = fmt.Sprintf("set %s in the environment of your konnectd commands (they send it to the daemon), "+
			"or opt in to the plaintext file store ('konnectd.keychain: file' in the config file's default profile, then 'konnectd stop'; or 'konnectd serve --keychain=file'), "+
			"or start a Secret Service on a D-Bus session bus (scripts/keyring.sh runs a command inside a private one)", config.EnvVar(p, config.KeyPAT))
		return
	}
	st.State = "no_credential"
	st.Problem = fmt.Sprintf("no credential for profile %q", p)
	if haveKeychain {
		st.Hint = fmt.Sprintf("run '%s' to store a token in the %s keychain, or set %s", loginCommand(p), st.Keychain, config.EnvVar(p, config.KeyPAT))
	} else {
		st.Hint = fmt.Sprintf("set %s, or restart the daemon with a keychain to use '%s'", config.EnvVar(p, config.KeyPAT), loginCommand(p))
	}
	st.Warnings = append(st.Warnings, config.NoTokenMessage(p))
}

// checkFailed fills st for a credential Konnect did not accept, or could
// not be asked about. An unreachable Konnect says nothing about the token,
// so it is not reported as a rejected one.
func checkFailed(st *AuthStatus, err error) {
	// The failure stays in warnings too, where clients older than state
	// and problem read it.
	st.Warnings = append(st.Warnings, err.Error())
	var api *konnect.APIError
	switch {
	case errors.As(err, &api) && api.Status == http.StatusUnauthorized:
		st.State = "rejected"
		st.Problem = fmt.Sprintf("Konnect rejected the token from %s (401 %s)", describeSource(st), firstNonEmpty(api.Detail, api.Title))
		st.Hint = rejectedHint(st)
	case konnect.Unreachable(err):
		st.State = "unreachable"
		st.Problem = fmt.Sprintf("Konnect could not be reached at %s, so the token was not checked: %v", st.Konnect, err)
		st.Hint = "check the network, a proxy, and the profile's konnect.base-url or konnect.region; then run 'konnectd status' again"
	default:
		st.State = "error"
		st.Problem = err.Error()
	}
}

func describeSource(st *AuthStatus) string {
	if st.Where != "" {
		return st.Source + " (" + st.Where + ")"
	}
	return st.Source
}

// rejectedHint names the fix for a rejected token by where it came from.
func rejectedHint(st *AuthStatus) string {
	p := st.Profile
	switch config.Source(st.Source) {
	case config.SourceEnv:
		return fmt.Sprintf("the token in %s is revoked, expired or mistyped: replace or unset it (with it unset, '%s' stores one in the keychain)", st.Where, loginCommand(p))
	case config.SourceFile:
		return fmt.Sprintf("replace konnect.pat at %s, or remove it and run '%s'", st.Where, loginCommand(p))
	case config.SourceLoginToken:
		kflag := ""
		if p != config.DefaultProfile {
			kflag = " --profile " + p
		}
		return fmt.Sprintf("run 'kongctl login%s' to renew the login token, or '%s' to store a PAT", kflag, loginCommand(p))
	case config.SourceParam:
		return "the pat parameter holds a revoked, expired or mistyped token: send a valid one"
	}
	return fmt.Sprintf("the stored token is revoked, expired or mistyped: run '%s' to store a new one", loginCommand(p))
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
