package activation

import (
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		n       int
		names   []string
		wantErr bool
	}{
		{name: "nothing passed", env: nil},
		{name: "for us", env: map[string]string{EnvFDs: "2", EnvPID: "42"}, n: 2, names: []string{"", ""}},
		{name: "named", env: map[string]string{EnvFDs: "2", EnvPID: "42", EnvFDNames: "konnectd.socket:extra"}, n: 2, names: []string{"konnectd.socket", "extra"}},
		{name: "short name list", env: map[string]string{EnvFDs: "2", EnvPID: "42", EnvFDNames: "one"}, n: 2, names: []string{"one", ""}},
		{name: "long name list", env: map[string]string{EnvFDs: "1", EnvPID: "42", EnvFDNames: "one:two"}, n: 1, names: []string{"one"}},
		{name: "for another process", env: map[string]string{EnvFDs: "1", EnvPID: "41"}},
		{name: "zero", env: map[string]string{EnvFDs: "0", EnvPID: "42"}, names: []string{}},
		{name: "no pid", env: map[string]string{EnvFDs: "1"}, wantErr: true},
		{name: "garbage pid", env: map[string]string{EnvFDs: "1", EnvPID: "x"}, wantErr: true},
		{name: "garbage count", env: map[string]string{EnvFDs: "x", EnvPID: "42"}, wantErr: true},
		{name: "negative count", env: map[string]string{EnvFDs: "-1", EnvPID: "42"}, wantErr: true},
		{name: "absurd count", env: map[string]string{EnvFDs: "100000", EnvPID: "42"}, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, names, err := parse(func(k string) string { return tc.env[k] }, 42)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tc.wantErr)
			}
			if n != tc.n || !slices.Equal(names, tc.names) {
				t.Fatalf("got %d %q, want %d %q", n, names, tc.n, tc.names)
			}
		})
	}
}
