package jq

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestErrorMessages(t *testing.T) {
	e := New(Limits{})
	tests := []struct {
		expr string
		kind error
		msg  string
	}{
		// The three forms from kongctl (kongctl.md §4).
		{".foo |", ErrInvalid, "invalid jq expression: unexpected EOF"},
		{".[", ErrInvalid, "invalid jq expression: unexpected EOF"},
		{"foo", ErrCompile, "failed to compile jq expression: function not defined: foo/0"},
		{"foo(1)", ErrCompile, "failed to compile jq expression: function not defined: foo/1"},
		{`error("boom")`, ErrRuntime, "jq filter failed: error: boom"},
		{".a.b", ErrRuntime, "jq filter failed: expected an object but got: number (1)"},
		// What a daemon must refuse.
		{"input", ErrCompile, "failed to compile jq expression: input(s)/0 is not allowed"},
		{"[inputs]", ErrCompile, "failed to compile jq expression: input(s)/0 is not allowed"},
		{`import "a" as a; .`, ErrCompile, "failed to compile jq expression: modules are not supported"},
		{`include "a"; .`, ErrCompile, "failed to compile jq expression: modules are not supported"},
		{"$undefined", ErrCompile, "failed to compile jq expression: variable not defined: $undefined"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := e.Eval(context.Background(), tt.expr, map[string]any{"a": 1.0})
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tt.msg {
				t.Errorf("message = %q, want %q", err.Error(), tt.msg)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.kind)
			}
		})
	}
}

func TestCompileValidatesWithoutRunning(t *testing.T) {
	e := New(Limits{})
	if _, err := e.Compile(".token"); err != nil {
		t.Fatalf("Compile(.token) = %v", err)
	}
	if _, err := e.Compile(".foo |"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Compile(.foo |) = %v, want ErrInvalid", err)
	}
	// Runtime errors are not compile errors: Compile must accept them.
	if _, err := e.Compile(`error("later")`); err != nil {
		t.Fatalf("Compile(error) = %v", err)
	}
}

func TestResultShape(t *testing.T) {
	e := New(Limits{})
	in := map[string]any{"id": "x", "email": "a@b", "n": 3.0, "list": []any{1.0, 2.0}}
	tests := []struct {
		expr string
		want string // fmt %#v of the result
	}{
		{"empty", "<nil>"},
		{".id", `"x"`},
		{".missing", "<nil>"},
		{".id, .email", `[]interface {}{"x", "a@b"}`},
		{".list[]", `[]interface {}{1, 2}`},
		{".n", "3"},
		{"", `map[string]interface {}{"email":"a@b", "id":"x", "list":[]interface {}{1, 2}, "n":3}`},
		{"   .id  ", `"x"`},
	}
	for _, tt := range tests {
		got, err := e.Eval(context.Background(), tt.expr, in)
		if err != nil {
			t.Fatalf("Eval(%q): %v", tt.expr, err)
		}
		if s := fmt.Sprintf("%#v", got); s != tt.want {
			t.Errorf("Eval(%q) = %s, want %s", tt.expr, s, tt.want)
		}
	}
}

func TestEvalRaw(t *testing.T) {
	e := New(Limits{})
	in := map[string]any{"token": "abc", "name": "<a&b>", "n": 1.5, "o": map[string]any{"k": "v"}, "nil": nil}
	tests := []struct{ expr, want string }{
		{".token", "abc\n"},
		{".name", "<a&b>\n"},                           // a raw string is printed as is
		{"[.name]", "[\"\\u003ca\\u0026b\\u003e\"]\n"}, // but inside JSON it is HTML-escaped, like kongctl
		{".token, .n, .o, .nil", "abc\n1.5\n{\"k\":\"v\"}\nnull\n"},
		{"empty", ""},
		{`"multi\nline"`, "multi\nline\n"},
	}
	for _, tt := range tests {
		got, err := e.EvalRaw(context.Background(), tt.expr, in)
		if err != nil {
			t.Fatalf("EvalRaw(%q): %v", tt.expr, err)
		}
		if got != tt.want {
			t.Errorf("EvalRaw(%q) = %q, want %q", tt.expr, got, tt.want)
		}
	}
}

func TestEvalJSONNumbersLikeKongctl(t *testing.T) {
	e := New(Limits{})
	// kongctl decodes into float64, so big integers lose precision; we match.
	got, err := e.EvalJSONRaw(context.Background(), ".n", []byte(`{"n":12345678901234567890}`))
	if err != nil {
		t.Fatal(err)
	}
	if got != "12345678901234567000\n" {
		t.Errorf("got %q, want kongctl's 12345678901234567000", got)
	}
}

func TestEvalJSONInputErrors(t *testing.T) {
	e := New(Limits{MaxInput: 16})
	for _, tt := range []struct {
		in   string
		kind error
		msg  string
	}{
		{"", ErrInput, "jq input is empty, cannot apply jq filter"},
		{"  \n", ErrInput, "jq input is empty, cannot apply jq filter"},
		{"{", ErrInput, "jq input is not valid JSON: unexpected end of JSON input"},
		{`{"a":"0123456789abc"}`, ErrLimit, "jq input is too large (21 bytes, limit 16)"},
	} {
		_, err := e.EvalJSON(context.Background(), ".", []byte(tt.in))
		if !errors.Is(err, tt.kind) || err.Error() != tt.msg {
			t.Errorf("EvalJSON(%q) = %v, want %q (%v)", tt.in, err, tt.msg, tt.kind)
		}
	}
	// A bad expression is reported before a bad input.
	if _, err := e.EvalJSON(context.Background(), ".[", []byte("{")); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad expr and bad input: %v, want ErrInvalid", err)
	}
}

func TestLimits(t *testing.T) {
	e := New(Limits{MaxExpr: 10, MaxResults: 3, MaxOutput: 64})
	ctx := context.Background()

	_, err := e.Eval(ctx, strings.Repeat(" ", 11), nil)
	if !errors.Is(err, ErrLimit) || err.Error() != "jq expression is too long (11 bytes, limit 10)" {
		t.Errorf("long expr: %v", err)
	}
	if _, err := e.Eval(ctx, "1,2,3", nil); err != nil {
		t.Errorf("3 results within limit 3: %v", err)
	}
	_, err = e.Eval(ctx, "1,2,3,4", nil)
	if !errors.Is(err, ErrLimit) || err.Error() != "jq filter produced too many results (limit 3)" {
		t.Errorf("4 results: %v", err)
	}
	big := map[string]any{"s": strings.Repeat("x", 100)}
	_, err = e.Eval(ctx, ".s", big)
	if !errors.Is(err, ErrLimit) || err.Error() != "jq output is too large (limit 64 bytes)" {
		t.Errorf("big output: %v", err)
	}
	_, err = e.EvalRaw(ctx, ".s", big)
	if !errors.Is(err, ErrLimit) {
		t.Errorf("big raw output: %v", err)
	}
}

func TestDeadline(t *testing.T) {
	// The timeout is short so the test is quick, but nothing asserts how
	// long the run took: only that an endless filter ends with ErrTimeout.
	e := New(Limits{Timeout: 200 * time.Millisecond, MaxResults: 1 << 30, MaxOutput: 1 << 40})
	for _, expr := range []string{"last(repeat(1))", "last(range(1e10))", "def f: f; f", "[limit(3; repeat(1))] | until(false; .)"} {
		_, err := e.Eval(context.Background(), expr, nil)
		if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: err = %v, want ErrTimeout", expr, err)
			continue
		}
		if err.Error() != "jq filter timed out after 200ms" {
			t.Errorf("%s: message %q", expr, err.Error())
		}
	}
}

func TestParentCancel(t *testing.T) {
	e := New(Limits{Timeout: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.Eval(ctx, "last(repeat(1))", nil)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want context.Canceled and not ErrTimeout", err)
	}
}

func TestEnvironmentNotVisible(t *testing.T) {
	t.Setenv("KONNECTD_JQ_SECRET_PROBE", "visible")
	if os.Getenv("KONNECTD_JQ_SECRET_PROBE") != "visible" {
		t.Fatal("setenv failed")
	}
	e := New(Limits{})
	for _, expr := range []string{"$ENV", "env", "$ENV.KONNECTD_JQ_SECRET_PROBE", "env | length"} {
		got, err := e.EvalRaw(context.Background(), expr, nil)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if strings.Contains(got, "visible") || strings.Contains(got, "PATH") {
			t.Errorf("%s exposes the environment: %q", expr, got)
		}
		if got != "{}\n" && got != "null\n" && got != "0\n" {
			t.Errorf("%s = %q, want an empty environment", expr, got)
		}
	}
}

func TestErrorsAreRedacted(t *testing.T) {
	e := New(Limits{})
	in := map[string]any{"token": "kpat_" + strings.Repeat("A1", 20)}
	for _, expr := range []string{"error(.token)", ".token | keys", ".token.x"} {
		_, err := e.Eval(context.Background(), expr, in)
		if err == nil {
			t.Fatalf("%s: no error", expr)
		}
		if strings.Contains(err.Error(), "A1A1A1") {
			t.Errorf("%s: error leaks the token", expr)
		}
	}
}

func TestCacheReuseAndBound(t *testing.T) {
	e := New(Limits{CacheSize: 2})
	ctx := context.Background()
	for range 5 {
		if _, err := e.Eval(ctx, ".a", nil); err != nil {
			t.Fatal(err)
		}
	}
	if s := e.Stats(); s.Compiles != 1 || s.Hits != 4 {
		t.Fatalf("after 5 runs of one expression: %+v, want 1 compile and 4 hits", s)
	}
	// Surrounding space is the same expression.
	if _, err := e.Compile("  .a "); err != nil {
		t.Fatal(err)
	}
	if s := e.Stats(); s.Compiles != 1 {
		t.Fatalf("trimmed expression recompiled: %+v", s)
	}
	for _, x := range []string{".b", ".c"} { // evicts .a
		if _, err := e.Compile(x); err != nil {
			t.Fatal(err)
		}
	}
	if s := e.Stats(); s.Cached != 2 {
		t.Fatalf("cache holds %d, want 2", s.Cached)
	}
	if _, err := e.Compile(".a"); err != nil {
		t.Fatal(err)
	}
	if s := e.Stats(); s.Compiles != 4 {
		t.Fatalf("evicted .a not recompiled: %+v", s)
	}
	// Errors are not cached.
	e.Compile(".[")
	e.Compile(".[")
	if s := e.Stats(); s.Compiles != 6 || s.Cached != 2 {
		t.Fatalf("failed compiles: %+v", s)
	}
}

func TestConcurrentUse(t *testing.T) {
	e := New(Limits{CacheSize: 4})
	in := map[string]any{"data": []any{map[string]any{"id": "a", "active": true}, map[string]any{"id": "b", "active": false}}}
	exprs := []string{".data[0].id", "[.data[] | select(.active) | .id]", ".data | length", "error(\"x\")", ".[", ".data[1].id"}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				expr := exprs[(g+i)%len(exprs)]
				v, err := e.Eval(context.Background(), expr, in)
				switch expr {
				case ".data[0].id":
					if err != nil || v != "a" {
						errs <- fmt.Errorf("%s = %v, %v", expr, v, err)
						return
					}
				case "error(\"x\")":
					if !errors.Is(err, ErrRuntime) {
						errs <- fmt.Errorf("%s: %v", expr, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestNonFiniteNumbersEncodeAsJQ: JSON has no ±Inf or NaN, and a result
// holding one could not be encoded, so the daemon sent no reply at all
// (issue 19 item 6). jq prints the largest double and null for them.
func TestNonFiniteNumbersEncodeAsJQ(t *testing.T) {
	e := New(Limits{})
	tests := []struct{ expr, want string }{
		{"infinite", "1.7976931348623157e+308"},
		{"-infinite", "-1.7976931348623157e+308"},
		{"nan", "null"},
		{"pow(10;400)", "1.7976931348623157e+308"},
		{"1e1000", "1.7976931348623157e+308"},
		{"[1, infinite, {a: nan, b: 2}]", `[1,1.7976931348623157e+308,{"a":null,"b":2}]`},
		{"infinite, nan", "[1.7976931348623157e+308,null]"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			v, err := e.Eval(context.Background(), tt.expr, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("result cannot be encoded: %v", err)
			}
			if string(b) != tt.want {
				t.Errorf("got %s, want %s", b, tt.want)
			}
			raw, err := e.EvalRaw(context.Background(), tt.expr, nil)
			if err != nil {
				t.Fatalf("raw: %v", err)
			}
			if want := tt.want + "\n"; !strings.Contains(tt.expr, ",") && raw != want {
				t.Errorf("raw = %q, want %q", raw, want)
			}
		})
	}
	// The input is not changed in place: gojq may hand back parts of it.
	in := []any{1.0, map[string]any{"x": 2.0}}
	if _, err := e.Eval(context.Background(), ".[1].y = infinite", in); err != nil {
		t.Fatal(err)
	}
	if _, ok := in[1].(map[string]any)["y"]; ok {
		t.Error("input was modified")
	}
}
