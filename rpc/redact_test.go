package rpc

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/jq"
)

type loginLikeParams struct {
	Token string `json:"token"`
}

// TestTransformedSecretsNeverReachErrorsOrLogs: once a secret has passed
// through a request's "token" param, a jq/eval whose error carries any
// simple transform of it is answered, and logged, masked. The old
// shape-only redactor let every one of these through except the first.
func TestTransformedSecretsNeverReachErrorsOrLogs(t *testing.T) {
	redact.Forget()
	t.Cleanup(redact.Forget)
	tok := "kpat_Q7vR2mXc9LpT4sWbN8yKdH3fJ6gZ1aE5uVoYiCtBqMnPwXrS" // made up for this test
	body := tok[5:]
	e := jq.New(jq.Limits{Timeout: 5 * time.Second, MaxResults: 100, MaxOutput: 1 << 16})
	login := Func("test/login", func(ctx context.Context, p *loginLikeParams) (string, error) {
		return "", fmt.Errorf("login refused")
	})
	ts := startServer(t, Options{}, testMethods(nil, new(atomic.Int32)), JQMethods(e), []Method{login})
	c := ts.dial(t)
	ctx := context.Background()
	if err := c.Call(ctx, "test/login", map[string]string{"token": tok}, nil); err == nil {
		t.Fatal("test/login should fail")
	}
	for _, expr := range []string{
		`error(.t)`,
		`error(.t[5:])`,
		`error(.t | ltrimstr("kpat_"))`,
		`error("x" + .t)`,
		`error(.t | @base64)`,
		`error(.t[5:] | @base64)`,
		`error(.t | @base32)`,
		`error(.t | split("_") | tostring)`,
		`error(.t | explode | tostring)`,
		`error(.t | explode)`,
		`error(.t | explode | reverse | implode)`,
		`error(.t | ascii_downcase)`,
		`error(.t | [splits("")] | join(" "))`,
		`error({secret: .t[7:]})`,
		`.t | explode | . + {}`,
		`.t[5:] | . - 1`,
		`.t[5:] | tonumber`,
	} {
		err := c.Call(ctx, "jq/eval", map[string]any{"expression": expr, "input": map[string]string{"t": tok}}, nil)
		if err == nil {
			t.Fatalf("%s: no error", expr)
		}
		msg := err.Error()
		if e, ok := err.(*Error); ok {
			msg += fmt.Sprint(e.Data)
		}
		if leaks(msg, body) {
			t.Errorf("%s: the error carries the secret: %s", expr, msg)
		}
	}
	if logs := ts.logs.String(); leaks(logs, body) {
		t.Errorf("the log carries the secret:\n%s", logs)
	}
}

// leaks reports whether s holds 12 characters of secret in a row, in any
// case, or its base64.
func leaks(s, secret string) bool {
	low := strings.ToLower(s)
	for i := 0; i+12 <= len(secret); i++ {
		if strings.Contains(low, strings.ToLower(secret[i:i+12])) {
			return true
		}
	}
	return strings.Contains(s, base64.StdEncoding.EncodeToString([]byte(secret))[:16])
}
