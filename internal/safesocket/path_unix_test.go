//go:build unix

package safesocket

import (
	"os"
	"strconv"
	"testing"
)

func TestDefaultPath(t *testing.T) {
	uid := strconv.Itoa(os.Getuid())
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{EnvSocket: "/x/k.sock", "XDG_RUNTIME_DIR": "/run/user/1"}, "/x/k.sock"},
		// Where konnectd.socket listens: ListenStream=%t/konnectd/konnectd.sock.
		{map[string]string{"XDG_RUNTIME_DIR": "/run/user/1"}, "/run/user/1/konnectd/konnectd.sock"},
		{map[string]string{"TMPDIR": "/var/tmp"}, "/var/tmp/konnectd-" + uid + "/konnectd.sock"},
		{nil, "/tmp/konnectd-" + uid + "/konnectd.sock"},
	} {
		if got := DefaultPath(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("DefaultPath(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
}
