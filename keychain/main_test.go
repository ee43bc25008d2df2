package keychain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/internal/testkeyring"
	"github.com/zalando/go-keyring"
)

// A secret shaped like a Konnect token, so redact can spot it in output.
const testSecret = "kpat_keychainTestSecretDoNotLeak0123456789"

// checkClean fails t if err's message leaks a secret.
func checkClean(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if msg := err.Error(); strings.Contains(msg, testSecret) || redact.Contains(msg) {
		t.Fatalf("error message leaks a secret: %s", redact.String(msg))
	}
}

// childEnv names the operation a re-executed test binary performs instead of
// running tests. Tests that need a different D-Bus environment than the
// process's run in such a child, because godbus keeps one session bus
// connection per process.
const childEnv = "KONNECTD_KEYCHAIN_TEST_CHILD"

func TestMain(m *testing.M) {
	if op := os.Getenv(childEnv); op != "" {
		os.Exit(child(op))
	}
	os.Exit(testkeyring.Main(m))
}

// child runs one keychain call and prints which kind of error it got, for
// the parent test to check: "store" through this package, "raw" straight
// through go-keyring.
func child(op string) int {
	var err error
	switch op {
	case "store":
		s, openErr := Open(Options{Service: "konnectd-test-child", Timeout: time.Minute})
		if openErr != nil {
			fmt.Println("open:", openErr)
			return 2
		}
		_, err = s.Get(context.Background(), "default")
	case "raw":
		_, err = keyring.Get("konnectd-test-child", "default")
	case "hung":
		return childHung()
	default:
		fmt.Println("unknown child op", op)
		return 2
	}
	fmt.Printf("kind=%s\nerr=%v\n", kindOf(err), err)
	return 0
}

// kindOf names err's kind.
func kindOf(err error) string {
	for _, k := range []struct {
		err  error
		name string
	}{
		{ErrNotFound, "notfound"}, {ErrLocked, "locked"}, {ErrUnavailable, "unavailable"},
		{ErrTimeout, "timeout"}, {ErrTooLarge, "toolarge"},
	} {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	if err == nil {
		return "none"
	}
	return "other"
}
