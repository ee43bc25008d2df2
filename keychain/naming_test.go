package keychain

import "testing"

func TestAccountNamesNeverCollide(t *testing.T) {
	profiles := []string{"default", "prod", "token", "token:x", "profile:x", "x", ":", "", "a:b"}
	names := []string{"x", "ci", "token:x", "", "profile:x"}
	seen := map[string]string{}
	add := func(account, from string) {
		if prev, ok := seen[account]; ok {
			t.Errorf("account %q comes from both %s and %s", account, prev, from)
		}
		seen[account] = from
	}
	for _, p := range profiles {
		add(ProfileAccount(p), "profile "+quote(p))
	}
	for _, n := range names {
		add(NamedAccount(n), "named token "+quote(n))
	}
	if got := ProfileAccount("default"); got != "default" {
		t.Errorf("ProfileAccount(default) = %q; want the plain profile name", got)
	}
	if got := NamedAccount("ci"); got != "token:ci" {
		t.Errorf("NamedAccount(ci) = %q; want token:ci", got)
	}
}
