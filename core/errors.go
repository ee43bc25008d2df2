package core

import (
	"errors"
	"strings"
)

// ProfileError is an unknown profile or an unusable config: the user fixes
// it in the config file or with -p.
type ProfileError struct{ Err error }

func (e *ProfileError) Error() string { return e.Err.Error() }
func (e *ProfileError) Unwrap() error { return e.Err }

// AuthError means there is no usable credential for the profile.
type AuthError struct {
	Profile string
	Err     error
}

func (e *AuthError) Error() string { return e.Err.Error() }
func (e *AuthError) Unwrap() error { return e.Err }

// ValidationError lists everything wrong with a request, in kongctl's
// words and order, so a user fixes all of it in one go. Its message is
// kongctl's: one problem alone, or each on its own "- Error:" line.
type ValidationError struct{ Problems []string }

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0]
	}
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("- Error: " + p)
	}
	return b.String()
}

// invalid builds a ValidationError from one or more problems; nil if none.
func invalid(problems ...string) error {
	var ps []string
	for _, p := range problems {
		if p != "" {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}

// StateError reports a multi-step operation (token/rotate, a create with
// store) that failed part-way: what succeeded, what did not, and what the
// user should do. Nothing that was created is lost: Created carries it.
type StateError struct {
	Step    string // the step that failed
	Err     error
	State   string // exactly where things stand
	Created any    // the new token's record (with its secret unless Recovery says it is in the keychain)
	// Recovery, for a create whose delivery failed after Konnect created
	// the token, says where the secret went.
	Recovery *Recovery
}

func (e *StateError) Error() string {
	return e.Step + " failed: " + e.Err.Error() + ". " + e.State
}
func (e *StateError) Unwrap() error { return e.Err }

var errNoKeychain = errors.New("no keychain is configured for this daemon")
