//go:build !linux && !darwin && !windows

package keychain

import "runtime"

const platformKeychain = "the keychain"

// preflight refuses every call: go-keyring has no keychain here without cgo
// (and with it only the BSDs' Secret Service, which we have not tested).
func preflight() (kind error, hint string, err error) {
	return ErrUnavailable, "konnectd supports no keychain on " + runtime.GOOS + "; " +
		"use the plaintext file store ('konnectd.keychain: file' in the config file's default profile, or 'konnectd serve --keychain=file')", nil
}

func promptPossible() bool { return false }

func classify(err error) (kind error, hint string) {
	kind, hint, _ = classifyCommon(err)
	return kind, hint
}
