package keychain

import (
	"errors"
	"os/exec"
	"strings"
)

const platformKeychain = "the macOS keychain"

// preflight has nothing to check: go-keyring runs /usr/bin/security.
func preflight() (kind error, hint string, err error) { return nil, "", nil }

// promptPossible is true: security(1) may ask the user to unlock the keychain
// or to allow access, and the user may answer.
func promptPossible() bool { return true }

// classify maps security(1)'s failures. go-keyring hands back only the exit
// status for most of them, so little can be told apart. Exit status 36 is
// what security(1) is reported to return for a locked keychain that may not
// prompt (errSecInteractionNotAllowed); this mapping has not been run on a
// Mac, and anything else is passed through unclassified.
func classify(err error) (kind error, hint string) {
	if kind, hint, ok := classifyCommon(err); ok {
		return kind, hint
	}
	var execErr *exec.Error
	if errors.As(err, &execErr) {
		return ErrUnavailable, "/usr/bin/security cannot be run, " + hintFileOpt
	}
	msg := err.Error()
	if strings.Contains(msg, "User interaction is not allowed") || strings.Contains(msg, "exit status 36") {
		return ErrLocked, "unlock the login keychain (security unlock-keychain) and retry"
	}
	return nil, ""
}
