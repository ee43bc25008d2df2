// Package redact removes Konnect secrets from text before it reaches a log
// line, an error message or a reply.
//
// It masks by shape and by value. By shape: personal access tokens
// (kpat_…), system account tokens (spat_…) and whatever follows "Bearer " (a
// JWT from kongctl's login, say), wherever they start, "xkpat_…" included.
// By value: every secret registered with Register, and the usual
// transforms of one (substrings, reversed, hex, base64, base32, split
// parts, explode's code points; see registry.go). Everything else passes
// through untouched. Redaction is a last line of defence, not a licence to
// put secrets in errors: code still keeps tokens out of messages on
// purpose, and tests check both.
//
// It is meant for what leaves on an error path or a log line: error
// replies, log records, a CLI's stderr. Results are not scanned (a listing
// is megabytes, and a created token is meant to be in its answer).
package redact

import (
	"regexp"
	"strings"
)

// Mask is what a secret is replaced with.
const Mask = "[REDACTED]"

// The token bodies are opaque (the spec gives no length or alphabet), so any
// run of token-ish characters after the prefix is taken. A bare prefix such as
// "kpat_" in prose is left alone: it is not a secret. There is no \b before
// the prefix: "x"+.token made "xkpat_…", which \b let through.
var secretRE = regexp.MustCompile(`(?i)(?:kpat|spat)_[A-Za-z0-9_\-]+|(?i:bearer)\s+[A-Za-z0-9\-._~+/]+=*`)

// String returns s with every secret replaced by Mask. Bearer values keep the
// word "Bearer" so the log still says what kind of credential was there.
func String(s string) string {
	s = maskValues(s)
	if !mayContain(s) {
		return s
	}
	return secretRE.ReplaceAllStringFunc(s, func(m string) string {
		if len(m) > 6 && strings.EqualFold(m[:6], "bearer") {
			return m[:6] + " " + Mask
		}
		return Mask
	})
}

// mayContain is a cheap pre-check so the regexp only runs on the rare line
// that could hold a secret; logging stays fast on the hot path.
func mayContain(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "pat_") || strings.Contains(l, "bearer")
}

// Contains reports whether s holds anything String would mask. Tests use it
// to assert that output is clean.
func Contains(s string) bool {
	return (mayContain(s) && secretRE.MatchString(s)) || containsValue(s)
}

// Error wraps err so that its message is redacted while errors.Is and
// errors.As still see the original chain.
func Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := String(msg); red != msg {
		return &redactedError{msg: red, err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
