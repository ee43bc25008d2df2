package output

import (
	"errors"
	"testing"

	"github.com/konnectd/konnectd/jq"
)

func TestValidateMessages(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		o    Options
		msg  string
	}{
		{"bad create format", KindCreate, Options{Output: "helm", OutputSet: true}, `invalid value "helm" for --output, must be one of [json yaml text token env]`},
		{"bad get format", KindGet, Options{Output: "token", OutputSet: true}, `invalid value "token" for --output, must be one of [json yaml text]`},
		{"jq with token", KindCreate, Options{Output: Token, OutputSet: true, JQ: ".token"}, "--jq is not supported with --output token"},
		{"jq with env", KindCreate, Options{Output: Env, OutputSet: true, JQ: ".token"}, "--jq is not supported with --output env"},
		{"jq with token from config", KindCreate, Options{Output: Token, JQ: ".token"}, "--jq is not supported with --output token"},
		{"jq with explicit text on create", KindCreate, Options{Output: Text, OutputSet: true, JQ: ".id"}, "--jq is only supported with --output json or --output yaml"},
		{"raw with yaml on create", KindCreate, Options{Output: YAML, OutputSet: true, JQ: ".id", Raw: true}, "--jq-raw-output is only supported with --output json when used with --jq"},
		{"jq with explicit text on get", KindGet, Options{Output: Text, OutputSet: true, JQ: ".[]"}, "--jq is only supported with --output json or --output yaml"},
		{"raw without jq on get", KindGet, Options{Raw: true}, "--jq-raw-output requires --jq"},
		{"raw without jq on get json", KindGet, Options{Output: JSON, OutputSet: true, Raw: true}, "--jq-raw-output requires --jq"},
		{"raw with yaml on get", KindGet, Options{Output: YAML, OutputSet: true, JQ: ".", Raw: true}, "--jq-raw-output is only supported with --output json when used with --jq"},
		{"get me does not switch", KindGetMe, Options{JQ: ".id"}, "--jq is only supported with --output json or --output yaml"},
		{"get me raw without -o json", KindGetMe, Options{JQ: ".id", Raw: true}, "--jq-raw-output is only supported with --output json when used with --jq"},
		{"delete does not switch", KindDelete, Options{JQ: ".id"}, "--jq is only supported with --output json or --output yaml"},
	}
	for _, tt := range tests {
		_, err := tt.o.Validate(tt.kind)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if err.Error() != tt.msg {
			t.Errorf("%s: %q, want %q", tt.name, err.Error(), tt.msg)
		}
		if !errors.Is(err, ErrUsage) {
			t.Errorf("%s: not ErrUsage", tt.name)
		}
	}
}

func TestValidateEffectiveOptions(t *testing.T) {
	tests := []struct {
		name   string
		kind   Kind
		o      Options
		output Format
		jq     string
		raw    bool
	}{
		{"default is text", KindCreate, Options{}, Text, "", false},
		{"create jq switches to json", KindCreate, Options{Output: Text, JQ: " .id "}, JSON, ".id", false},
		{"create jq keeps explicit yaml", KindCreate, Options{Output: YAML, OutputSet: true, JQ: ".id"}, YAML, ".id", false},
		{"create raw ignored without jq", KindCreate, Options{Output: Env, Raw: true}, Env, "", false},
		{"create -r with jq", KindCreate, Options{JQ: ".token", Raw: true}, JSON, ".token", true},
		{"get jq switches to json", KindGet, Options{Output: Text, JQ: ".[]"}, JSON, ".[]", false},
		{"explicit empty jq is identity", KindGet, Options{JQSet: true}, JSON, ".", false},
		{"get me keeps explicit json", KindGetMe, Options{Output: JSON, OutputSet: true, JQ: ".id", Raw: true}, JSON, ".id", true},
		{"get me yaml from config with jq", KindGetMe, Options{Output: YAML, JQ: ".id"}, YAML, ".id", false},
	}
	for _, tt := range tests {
		got, err := tt.o.Validate(tt.kind)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got.Output != tt.output || got.JQ != tt.jq || got.Raw != tt.raw || got.Kind() != tt.kind {
			t.Errorf("%s: got output=%s jq=%q raw=%v kind=%d", tt.name, got.Output, got.JQ, got.Raw, got.Kind())
		}
	}
}

func TestCheckCompilesJQUpFront(t *testing.T) {
	eng := jq.New(jq.Limits{})
	if _, err := (Options{JQ: ".foo |"}).Check(KindCreate, eng); !errors.Is(err, jq.ErrInvalid) {
		t.Fatalf("Check(.foo |) = %v, want jq.ErrInvalid", err)
	}
	if _, err := (Options{JQ: "input"}).Check(KindCreate, eng); !errors.Is(err, jq.ErrCompile) {
		t.Fatalf("Check(input) = %v, want jq.ErrCompile", err)
	}
	if _, err := (Options{Output: Token, OutputSet: true, JQ: ".foo |"}).Check(KindCreate, eng); !errors.Is(err, ErrUsage) {
		t.Fatalf("format errors come first: %v", err)
	}
	o, err := (Options{JQ: ".token", Raw: true}).Check(KindCreate, eng)
	if err != nil || o.Output != JSON {
		t.Fatalf("Check(.token -r) = %+v, %v", o, err)
	}
	if _, err := (Options{Output: Text}).Validate(Kind(99)); err == nil {
		t.Fatal("unknown kind accepted")
	}
}
