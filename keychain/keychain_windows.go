package keychain

import (
	"errors"
	"syscall"
)

const platformKeychain = "the Windows Credential Manager"

// preflight has nothing to check: Credential Manager is always there.
func preflight() (kind error, hint string, err error) { return nil, "", nil }

// promptPossible is true: Windows may ask the user before releasing a
// credential.
func promptPossible() bool { return true }

// errNoSuchLogonSession is ERROR_NO_SUCH_LOGON_SESSION, what Credential
// Manager returns to a process without an interactive logon (a service, an
// ssh session without a password logon).
const errNoSuchLogonSession = syscall.Errno(1312)

func classify(err error) (kind error, hint string) {
	if kind, hint, ok := classifyCommon(err); ok {
		return kind, hint
	}
	if errors.Is(err, errNoSuchLogonSession) {
		return ErrUnavailable, "Credential Manager needs an interactive logon session, " + hintFileOpt
	}
	return nil, ""
}
