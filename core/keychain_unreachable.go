package core

import (
	"fmt"

	"github.com/konnectd/konnectd/config"
)

// KeychainUnreachableError is "no token" when the keychain could not be
// asked at all (no D-Bus session bus, no Secret Service): kongctl's
// "authentication token not available… konnectd login" would send the
// user to store a token in the very keychain that cannot be reached. It
// says the keychain is unreachable, why (the keychain's own message, with
// its hint), and the ways that work without it. It wraps the
// *config.NoTokenError, so callers that look for one still find it.
type KeychainUnreachableError struct {
	Profile  string
	Keychain string // the keychain's error message
	Err      *config.NoTokenError
}

func (e *KeychainUnreachableError) Error() string {
	flag := ""
	if e.Profile != config.DefaultProfile {
		flag = " --profile " + e.Profile
	}
	return fmt.Sprintf("the keychain is unreachable, so konnectd cannot read a token stored with 'konnectd login%s': %s.\n", flag, e.Keychain) +
		"Until it is reachable, authorize konnectd another way:\n" +
		"  - set the " + config.EnvVar(e.Profile, config.KeyPAT) + " environment variable\n" +
		"  - 'kongctl login" + flag + "' to authenticate via the web\n" +
		"  - pass a token in the request's pat parameter (RPC and MCP clients)\n" +
		"  - configure a token value in the '" + e.Profile + "." + config.KeyPAT + "' path of your configuration file"
}

func (e *KeychainUnreachableError) Unwrap() error { return e.Err }
