package output

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/jq"
)

// Fake tokens, shaped like real ones so redaction is exercised: failures
// print through redact.String, never the raw value.
const (
	patToken  = "kpat_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHI"
	spatToken = "spat_ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvutsr"
)

var (
	patRecord = TokenRecord{
		Type: "pat", ID: "7664ab12-5e2c-4a7e-9d4b-0a1b2c3d4e5f", Name: "ci", Token: patToken,
		UserID: "7f9fd312-8b1a-4f0e-a2c3-112233445566", State: "ACTIVE",
		CreatedAt: "2026-11-23T11:32:59Z", UpdatedAt: "2026-11-23T11:32:59Z", ExpiresAt: "2026-12-23T11:32:59Z",
	}
	spatRecord = TokenRecord{
		Type: "spat", ID: "0b6e3a4c-1d2e-4f50-8a9b-cdef01234567", Name: "deploy", Token: spatToken,
		SystemAccountID: "5d1c7e2a-3b4c-4d5e-8f90-a1b2c3d4e5f6", SystemAccountName: "ci-bot",
		CreatedAt: "2026-11-23T11:33:11Z", UpdatedAt: "2026-11-23T11:33:11Z", ExpiresAt: "2026-12-23T11:33:11Z",
	}
)

func check(t *testing.T, name, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got: %q\nwant: %q", name, redact.String(got), redact.String(want))
	}
}

func renderT(t *testing.T, v any, o Options, kind Kind) string {
	t.Helper()
	o, err := o.Validate(kind)
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	var b strings.Builder
	if err := Render(context.Background(), &b, v, o, jq.New(jq.Limits{})); err != nil {
		t.Fatalf("Render: %v", redact.Error(err))
	}
	return b.String()
}

func TestCreatePATFormats(t *testing.T) {
	tests := []struct {
		o    Options
		want string
	}{
		{Options{Output: JSON, OutputSet: true}, `{
  "type": "pat",
  "id": "7664ab12-5e2c-4a7e-9d4b-0a1b2c3d4e5f",
  "name": "ci",
  "token": "` + patToken + `",
  "user_id": "7f9fd312-8b1a-4f0e-a2c3-112233445566",
  "state": "ACTIVE",
  "created_at": "2026-11-23T11:32:59Z",
  "updated_at": "2026-11-23T11:32:59Z",
  "expires_at": "2026-12-23T11:32:59Z"
}
`},
		{Options{Output: YAML, OutputSet: true}, `created_at: "2026-11-23T11:32:59Z"
expires_at: "2026-12-23T11:32:59Z"
id: 7664ab12-5e2c-4a7e-9d4b-0a1b2c3d4e5f
name: ci
state: ACTIVE
token: ` + patToken + `
type: pat
updated_at: "2026-11-23T11:32:59Z"
user_id: 7f9fd312-8b1a-4f0e-a2c3-112233445566
`},
		{Options{}, "Created pat \"ci\" (7664ab12-5e2c-4a7e-9d4b-0a1b2c3d4e5f)\ntoken: " + patToken + "\n"},
		{Options{Output: Text, OutputSet: true}, "Created pat \"ci\" (7664ab12-5e2c-4a7e-9d4b-0a1b2c3d4e5f)\ntoken: " + patToken + "\n"},
		{Options{Output: Token, OutputSet: true}, patToken + "\n"},
		{Options{Output: Env, OutputSet: true}, "export KONGCTL_DEFAULT_KONNECT_PAT='" + patToken + "'\n"},
		{Options{Output: Env, OutputSet: true, Profile: "team-a"}, "export KONGCTL_TEAM_A_KONNECT_PAT='" + patToken + "'\n"},
	}
	for _, tt := range tests {
		check(t, "pat -o "+string(tt.o.Output), renderT(t, patRecord, tt.o, KindCreate), tt.want)
	}
	// A pointer prints the same.
	check(t, "pat pointer", renderT(t, &patRecord, Options{Output: Token}, KindCreate), patToken+"\n")
}

func TestCreateSPATFormats(t *testing.T) {
	tests := []struct {
		o    Options
		want string
	}{
		{Options{Output: JSON}, `{
  "type": "spat",
  "id": "0b6e3a4c-1d2e-4f50-8a9b-cdef01234567",
  "name": "deploy",
  "token": "` + spatToken + `",
  "system_account_id": "5d1c7e2a-3b4c-4d5e-8f90-a1b2c3d4e5f6",
  "system_account_name": "ci-bot",
  "created_at": "2026-11-23T11:33:11Z",
  "updated_at": "2026-11-23T11:33:11Z",
  "expires_at": "2026-12-23T11:33:11Z"
}
`},
		{Options{Output: YAML}, `created_at: "2026-11-23T11:33:11Z"
expires_at: "2026-12-23T11:33:11Z"
id: 0b6e3a4c-1d2e-4f50-8a9b-cdef01234567
name: deploy
system_account_id: 5d1c7e2a-3b4c-4d5e-8f90-a1b2c3d4e5f6
system_account_name: ci-bot
token: ` + spatToken + `
type: spat
updated_at: "2026-11-23T11:33:11Z"
`},
		{Options{Output: Text}, "Created spat \"deploy\" (0b6e3a4c-1d2e-4f50-8a9b-cdef01234567)\ntoken: " + spatToken + "\n"},
		{Options{Output: Token}, spatToken + "\n"},
		// SPATs export the same variable name as PATs, as kongctl does.
		{Options{Output: Env, Profile: "prod"}, "export KONGCTL_PROD_KONNECT_PAT='" + spatToken + "'\n"},
	}
	for _, tt := range tests {
		check(t, "spat -o "+string(tt.o.Output), renderT(t, spatRecord, tt.o, KindCreate), tt.want)
	}
}

func TestEnvQuoting(t *testing.T) {
	rec := TokenRecord{Type: "pat", Token: "it's; $(rm -rf /) `x`"}
	got := renderT(t, rec, Options{Output: Env, Profile: "my-team-b"}, KindCreate)
	check(t, "env quoting", got, "export KONGCTL_MY_TEAM_B_KONNECT_PAT='it'\\''s; $(rm -rf /) `x`'\n")
}

func TestCreateMinimalRecordKeepsTypeAndToken(t *testing.T) {
	// omitempty everywhere except type and token, as kongctl.
	got := renderT(t, TokenRecord{Type: "pat"}, Options{Output: JSON}, KindCreate)
	check(t, "empty record", got, "{\n  \"type\": \"pat\",\n  \"token\": \"\"\n}\n")
}

func TestFormatTime(t *testing.T) {
	at := time.Date(2027, 6, 24, 12, 0, 0, 123456000, time.FixedZone("", 2*3600))
	check(t, "FormatTime", FormatTime(at), "2027-06-24T10:00:00Z")
	check(t, "zero", FormatTime(time.Time{}), "")
	check(t, "nil", FormatTimePtr(nil), "")
	check(t, "ptr", FormatTimePtr(&at), "2027-06-24T10:00:00Z")
}

func TestDeleteRecord(t *testing.T) {
	rec := DeleteRecord{Type: "pat", ID: "7664ab12-5e2c-4a7e-9d4b-0a1b2c3d4e5f", Name: "ci", Status: "deleted"}
	check(t, "delete text", renderT(t, rec, Options{}, KindDelete), "Deleted pat \"ci\"\n")
	check(t, "delete text by id", renderT(t, DeleteRecord{Type: "spat", ID: "abc", Status: "deleted"}, Options{}, KindDelete), "Deleted spat \"abc\"\n")
	check(t, "delete json", renderT(t, rec, Options{Output: JSON}, KindDelete),
		"{\n  \"type\": \"pat\",\n  \"id\": \"7664ab12-5e2c-4a7e-9d4b-0a1b2c3d4e5f\",\n  \"name\": \"ci\",\n  \"status\": \"deleted\"\n}\n")
}

func TestJQOnCreate(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string
	}{
		// --jq without -o switches to json (kongctl.md §4).
		{"default switches to json", Options{JQ: ".name"}, "\"ci\"\n"},
		{"config text is overridden", Options{Output: Text, JQ: ".name"}, "\"ci\"\n"},
		{"raw", Options{JQ: ".token", Raw: true}, patToken + "\n"},
		{"explicit yaml", Options{Output: YAML, OutputSet: true, JQ: "{name, type}"}, "name: ci\ntype: pat\n"},
		{"explicit yaml scalar", Options{Output: YAML, OutputSet: true, JQ: ".state"}, "ACTIVE\n"},
		{"many results make one array", Options{JQ: ".id, .name"}, "[\n  \"7664ab12-5e2c-4a7e-9d4b-0a1b2c3d4e5f\",\n  \"ci\"\n]\n"},
		{"many results raw are lines", Options{JQ: ".name, .type", Raw: true}, "ci\npat\n"},
		{"no result is null", Options{JQ: "empty"}, "null\n"},
		{"explicit empty --jq is identity", Options{JQ: "", JQSet: true, Output: YAML, OutputSet: true, Raw: false},
			"created_at: \"2026-11-23T11:32:59Z\"\nexpires_at: \"2026-12-23T11:32:59Z\"\nid: 7664ab12-5e2c-4a7e-9d4b-0a1b2c3d4e5f\nname: ci\nstate: ACTIVE\ntoken: " + patToken + "\ntype: pat\nupdated_at: \"2026-11-23T11:32:59Z\"\nuser_id: 7f9fd312-8b1a-4f0e-a2c3-112233445566\n"},
		{"-r without --jq is ignored on create", Options{Output: Token, OutputSet: true, Raw: true}, patToken + "\n"},
		{"nested yaml indents by four", Options{Output: YAML, OutputSet: true, JQ: "{a: {b: [1, {c: 2}]}}"}, "a:\n    b:\n        - 1\n        - c: 2\n"},
	}
	for _, tt := range tests {
		check(t, tt.name, renderT(t, patRecord, tt.o, KindCreate), tt.want)
	}
}

func TestHTMLEscapingLikeKongctl(t *testing.T) {
	rec := TokenRecord{Type: "pat", Name: "<a&b>", Token: "t"}
	got := renderT(t, rec, Options{Output: JSON}, KindCreate)
	if !strings.Contains(got, `"name": "\u003ca\u0026b\u003e"`) {
		t.Errorf("json not HTML-escaped: %q", got)
	}
	check(t, "jq json", renderT(t, rec, Options{JQ: ".name"}, KindCreate), "\"\\u003ca\\u0026b\\u003e\"\n")
	check(t, "jq raw string", renderT(t, rec, Options{JQ: ".name", Raw: true}, KindCreate), "<a&b>\n")
	check(t, "jq raw object", renderT(t, rec, Options{JQ: "{name}", Raw: true}, KindCreate), "{\"name\":\"\\u003ca\\u0026b\\u003e\"}\n")
	check(t, "yaml does not escape", renderT(t, rec, Options{Output: YAML, OutputSet: true, JQ: ".name"}, KindCreate), "<a&b>\n")
	check(t, "text does not escape", renderT(t, rec, Options{}, KindCreate), "Created pat \"<a&b>\" ()\ntoken: t\n")
}

func TestJQNumbersLikeKongctl(t *testing.T) {
	v := map[string]any{"n": 12345678901234567890.0}
	o := Options{Output: JSON, JQ: ".n"}
	check(t, "big number", renderT(t, Listing{Value: v}, o, KindGet), "12345678901234567000\n")
	check(t, "gojq int", renderT(t, Listing{Value: []int{1, 2, 3}}, Options{JQ: "length"}, KindGet), "3\n")
}

func TestJQErrorsWriteNothing(t *testing.T) {
	eng := jq.New(jq.Limits{})
	for _, tt := range []struct {
		expr string
		kind error
		msg  string
	}{
		{".foo |", jq.ErrInvalid, "invalid jq expression: unexpected EOF"},
		{"foo", jq.ErrCompile, "failed to compile jq expression: function not defined: foo/0"},
		{`error("boom")`, jq.ErrRuntime, "jq filter failed: error: boom"},
	} {
		o, err := Options{JQ: tt.expr}.Validate(KindCreate)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		err = Render(context.Background(), &b, patRecord, o, eng)
		if !errors.Is(err, tt.kind) || err.Error() != tt.msg {
			t.Errorf("%s: %v, want %q", tt.expr, err, tt.msg)
		}
		if b.Len() != 0 {
			t.Errorf("%s: wrote %q before failing", tt.expr, redact.String(b.String()))
		}
	}
}

func TestRenderNeedsValidatedOptions(t *testing.T) {
	var b strings.Builder
	err := Render(context.Background(), &b, patRecord, Options{Output: JSON}, nil)
	if err == nil || b.Len() != 0 {
		t.Fatalf("unvalidated options: err=%v, wrote %d bytes", err, b.Len())
	}
}

func TestTokenAndEnvNeedATokenRecord(t *testing.T) {
	o, err := Options{Output: Token}.Validate(KindCreate)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := Render(context.Background(), &b, Tokens(nil), o, nil); err == nil {
		t.Fatal("-o token rendered a listing")
	}
}
