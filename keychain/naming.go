package keychain

import "strings"

// Prefixes of accounts that are not plain profile names. Profile names are
// free-form in kongctl's config, so the scheme must keep them apart from
// everything else; see the package documentation.
const (
	profilePrefix = "profile:"
	tokenPrefix   = "token:"
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
