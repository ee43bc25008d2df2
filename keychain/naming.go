package keychain

import "strings"

// Prefixes of accounts that are not plain profile names. Profile names are
// free-form in kongctl's config, so the scheme must keep them apart from
// everything else; see the package documentation.
const (
	profilePrefix   = "profile:"
	tokenPrefix     = "token:"
	recoveredPrefix = "recovered:"
	probePrefix     = "probe:"
)

// ProfileAccount returns the keychain account holding profile's token: the
// profile name itself, as users and other tools expect, unless the name
// contains ':', in which case it is prefixed with "profile:" so that it cannot
// collide with NamedAccount's "token:" space.
func ProfileAccount(profile string) string {
	if strings.Contains(profile, ":") {
		return profilePrefix + profile
	}
	return profile
}

// NamedAccount returns the keychain account of a token stored under name, as
// token/createPersonal {store: name} does: "token:<name>".
func NamedAccount(name string) string { return tokenPrefix + name }

// RecoveredAccount returns the account where a created token whose
// delivery failed is kept: "recovered:<token id>". Konnect's ids are unique,
// so a recovery never replaces another.
func RecoveredAccount(tokenID string) string { return recoveredPrefix + tokenID }

// ProbeAccount returns a scratch account for checking that the keychain
// takes writes: "probe:<nonce>". Like the other prefixed names it cannot be
// a profile's account (those have no ':' or start with "profile:").
func ProbeAccount(nonce string) string { return probePrefix + nonce }

// AccountName splits an account into how users name it: the name given to
// --store ("token:ci" → "ci", "token"), a recovered token's id
// ("recovered:<id>" → "<id>", "recovered"), or a profile ("ci" → "ci",
// "profile").
func AccountName(account string) (name, space string) {
	switch {
	case strings.HasPrefix(account, tokenPrefix):
		return account[len(tokenPrefix):], "token"
	case strings.HasPrefix(account, recoveredPrefix):
		return account[len(recoveredPrefix):], "recovered"
	case strings.HasPrefix(account, profilePrefix):
		return account[len(profilePrefix):], "profile"
	case strings.HasPrefix(account, probePrefix):
		return account[len(probePrefix):], "probe"
	}
	return account, "profile"
}
