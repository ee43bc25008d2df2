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
	for _, id := range []string{"x", "1d2f0000-0000-4000-8000-000000000000"} {
		add(RecoveredAccount(id), "recovered token "+quote(id))
		add(ProbeAccount(id), "probe "+quote(id))
	}
	for account, want := range map[string][2]string{
		"token:ci": {"ci", "token"}, "recovered:abc": {"abc", "recovered"}, "profile:a:b": {"a:b", "profile"}, "prod": {"prod", "profile"},
	} {
		if n, sp := AccountName(account); n != want[0] || sp != want[1] {
			t.Errorf("AccountName(%q) = %q, %q; want %q, %q", account, n, sp, want[0], want[1])
		}
	}
	if got := ProfileAccount("default"); got != "default" {
		t.Errorf("ProfileAccount(default) = %q; want the plain profile name", got)
	}
	if got := NamedAccount("ci"); got != "token:ci" {
		t.Errorf("NamedAccount(ci) = %q; want token:ci", got)
	}
}
