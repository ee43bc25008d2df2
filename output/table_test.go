package output

import (
	"strings"
	"testing"
	"time"
)

var patList = []TokenInfo{
	{Type: "pat", ID: "11111111-2222-4333-8444-555555555555", Name: "ci", UserID: "7f9fd312-8b1a-4f0e-a2c3-112233445566", State: "ACTIVE",
		CreatedAt: "2026-11-23T11:32:59Z", UpdatedAt: "2026-11-23T11:32:59Z", ExpiresAt: "2026-12-23T11:32:59Z"},
	{Type: "pat", ID: "22222222-2222-4333-8444-555555555555", Name: "laptop", State: "ACTIVE"},
}

func TestGetPATTable(t *testing.T) {
	// The first two lines are kongctl's observed output (kongctl.md §1).
	want := "NAME    TYPE  SYSTEM ACCOUNT ID  ID\n" +
		"ci      pat                      1111…\n" +
		"laptop  pat                      2222…\n"
	check(t, "get pat", renderT(t, Tokens(patList), Options{}, KindGet), want)

	one := "NAME  TYPE  SYSTEM ACCOUNT ID  ID\n" +
		"ci    pat                      1111…\n"
	check(t, "get pat ci", renderT(t, TokenItem(patList[0]), Options{}, KindGet), one)

	full := "NAME  TYPE  SYSTEM ACCOUNT ID  ID\n" +
		"ci    pat                      11111111-2222-4333-8444-555555555555\n"
	check(t, "full ids", renderT(t, TokenItem(patList[0]), Options{FullIDs: true}, KindGet), full)

	spat := TokenInfo{Type: "spat", ID: "0b6e3a4c-1d2e-4f50-8a9b-cdef01234567", Name: "deploy", SystemAccountID: "5d1c7e2a-3b4c-4d5e-8f90-a1b2c3d4e5f6", SystemAccountName: "ci-bot"}
	check(t, "get spat", renderT(t, Tokens([]TokenInfo{spat}), Options{}, KindGet),
		"NAME    TYPE  SYSTEM ACCOUNT ID  ID\ndeploy  spat  5d1c…              0b6e…\n")
}

func TestEmptyLists(t *testing.T) {
	for _, l := range []Listing{Tokens(nil), Tokens([]TokenInfo{}), Users([]map[string]any(nil)), Teams([]any{})} {
		check(t, "text", renderT(t, l, Options{}, KindGet), "No resources found.\n")
		check(t, "json", renderT(t, l, Options{Output: JSON}, KindGet), "[]\n")
		check(t, "yaml", renderT(t, l, Options{Output: YAML}, KindGet), "[]\n")
		check(t, "jq", renderT(t, l, Options{JQ: "length"}, KindGet), "0\n")
	}
}

func TestGetPATJSONAndJQ(t *testing.T) {
	got := renderT(t, Tokens(patList[1:]), Options{Output: JSON}, KindGet)
	check(t, "json list", got, "[\n  {\n    \"type\": \"pat\",\n    \"id\": \"22222222-2222-4333-8444-555555555555\",\n    \"name\": \"laptop\",\n    \"state\": \"ACTIVE\"\n  }\n]\n")
	check(t, "yaml list", renderT(t, Tokens(patList[1:]), Options{Output: YAML}, KindGet),
		"- id: 22222222-2222-4333-8444-555555555555\n  name: laptop\n  state: ACTIVE\n  type: pat\n")
	check(t, "jq switches", renderT(t, Tokens(patList), Options{JQ: "[.[] | .name]"}, KindGet), "[\n  \"ci\",\n  \"laptop\"\n]\n")
	check(t, "jq raw", renderT(t, Tokens(patList), Options{JQ: ".[].name", Raw: true}, KindGet), "ci\nlaptop\n")
	// A listing never holds a secret: the get record has no token field.
	if strings.Contains(renderT(t, Tokens(patList), Options{Output: JSON}, KindGet), "token") {
		t.Error("get pat json mentions a token field")
	}
}

type user struct {
	ID             string `json:"id"`
	Email          string `json:"email"`
	FullName       string `json:"full_name"`
	PreferredName  string `json:"preferred_name"`
	Active         bool   `json:"active"`
	InferredRegion string `json:"inferred_region"`
}

var me = user{ID: "7f9fd312-8b1a-4f0e-a2c3-112233445566", Email: "dev@example.com", FullName: "Dev Eloper", PreferredName: "dev", Active: true, InferredRegion: "eu"}

func TestGetMe(t *testing.T) {
	check(t, "text", renderT(t, Me(me), Options{}, KindGetMe),
		"EMAIL            FULL NAME   ACTIVE  ID\ndev@example.com  Dev Eloper  true    7f9f…\n")
	// Keys sorted although the struct orders them otherwise.
	check(t, "json", renderT(t, Me(me), Options{Output: JSON, OutputSet: true}, KindGetMe), `{
  "active": true,
  "email": "dev@example.com",
  "full_name": "Dev Eloper",
  "id": "7f9fd312-8b1a-4f0e-a2c3-112233445566",
  "inferred_region": "eu",
  "preferred_name": "dev"
}
`)
	check(t, "yaml", renderT(t, Me(me), Options{Output: YAML}, KindGetMe),
		"active: true\nemail: dev@example.com\nfull_name: Dev Eloper\nid: 7f9fd312-8b1a-4f0e-a2c3-112233445566\ninferred_region: eu\npreferred_name: dev\n")
	check(t, "jq -r", renderT(t, Me(me), Options{Output: JSON, OutputSet: true, JQ: ".id", Raw: true}, KindGetMe), me.ID+"\n")
}

func TestOtherListings(t *testing.T) {
	teams := []map[string]any{
		{"id": "aaaaaaaa-2222-4333-8444-555555555555", "name": "platform", "description": "Runs the\ngateways", "system_team": false, "labels": map[string]any{"k": "v"}},
		{"id": "bbbbbbbb-2222-4333-8444-555555555555", "name": "Organization Admin", "description": "", "system_team": true},
	}
	// kongctl's compact columns (golden cases 092, 095, 109).
	check(t, "teams", renderT(t, Teams(teams), Options{}, KindGet),
		"NAME                SYSTEM  ID\n"+
			"platform            false   aaaa…\n"+
			"Organization Admin  true    bbbb…\n")
	roles := []map[string]any{{"id": "r-1", "role_name": "Admin", "entity_id": "*", "entity_type_name": "Control Planes", "entity_region": "us"}}
	check(t, "roles, non-UUID id kept", renderT(t, AssignedRoles(roles), Options{}, KindGet),
		"ENTITY REGION  ID\nus             r-1\n")
	accounts := []map[string]any{{"id": "cccccccc-2222-4333-8444-555555555555", "name": "ci-bot", "description": "CI", "konnect_managed": false}}
	check(t, "system accounts", renderT(t, SystemAccounts(accounts), Options{}, KindGet),
		"NAME    MANAGED  ID\nci-bot  false    cccc…\n")
	users := []user{me}
	check(t, "users", renderT(t, Users(users), Options{}, KindGet),
		"EMAIL            FULL NAME   ACTIVE  ID\ndev@example.com  Dev Eloper  true    7f9f…\n")
}

func TestTableTruncation(t *testing.T) {
	long := strings.Repeat("n", 45)
	got := renderT(t, Tokens([]TokenInfo{{Type: "pat", Name: long, ID: "x"}}), Options{}, KindGet)
	want := "NAME                                      TYPE  SYSTEM ACCOUNT ID  ID\n" +
		strings.Repeat("n", 39) + "…  pat                      x\n"
	check(t, "40-column cap", got, want)

	// Narrow tables shrink the widest column first, never below 3.
	got = renderT(t, Tokens([]TokenInfo{{Type: "pat", Name: "abcdefghij", ID: "x"}}), Options{Width: 30}, KindGet)
	want = "NAME       TYPE  SYSTEM A…  ID\n" +
		"abcdefgh…  pat              x\n"
	check(t, "fit to 30 columns", got, want)
	for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if n := len([]rune(line)); n > 30 {
			t.Errorf("line wider than 30: %q (%d)", line, n)
		}
	}
}

func TestIDHeaders(t *testing.T) {
	for h, want := range map[string]bool{"ID": true, "SYSTEM ACCOUNT ID": true, "user_id": true, "UUID": true, "IDENTIFIER": true, "IDEA": false, "NAME": false, "PAID": false} {
		if got := isIDHeader(h); got != want {
			t.Errorf("isIDHeader(%q) = %v", h, got)
		}
	}
	for s, want := range map[string]bool{"7f9fd312-8b1a-4f0e-a2c3-112233445566": true, "7F9FD3128B1A4F0EA2C3112233445566": true, "7f9fd312-8b1a-4f0e-a2c3-11223344556g": false, "r-1": false} {
		if got := isLikelyUUID(s); got != want {
			t.Errorf("isLikelyUUID(%q) = %v", s, got)
		}
	}
}

// kongctl's --text-layout: wide appends the display record's other
// columns ("n/a" for missing values, times local); auto does so on a
// terminal (Width set) while the readable minimums fit, and is compact
// elsewhere.
func TestTextLayouts(t *testing.T) {
	teams := []map[string]any{{"id": "aaaaaaaa-2222-4333-8444-555555555555", "name": "platform", "system_team": false,
		"created_at": "2022-06-01T09:00:00Z"}}
	compact := "NAME      SYSTEM  ID\nplatform  false   aaaa…\n"
	check(t, "compact", renderT(t, Teams(teams), Options{Layout: "compact"}, KindGet), compact)
	check(t, "auto off a terminal", renderT(t, Teams(teams), Options{Layout: "auto"}, KindGet), compact)
	check(t, "wide", renderT(t, Teams(teams), Options{Layout: "wide", Location: time.UTC}, KindGet),
		"NAME      SYSTEM  ID     DESCRIPTION  LOCAL CREATED TIME   LOCAL UPDATED TIME\n"+
			"platform  false   aaaa…  n/a          2022-06-01 09:00:00  n/a\n")
	// 4 columns' minimums (6+6+6+11) and separators fit 40; the next does not.
	check(t, "auto on a 40-column terminal", renderT(t, Teams(teams), Options{Layout: "auto", Width: 40, Location: time.UTC}, KindGet),
		"NAME      SYSTEM  ID     DESCRIPTION\nplatform  false   aaaa…  n/a\n")
}

// kongctl's --columns: paths into the JSON value, ids whole, with its
// parse errors and its output rules.
func TestColumns(t *testing.T) {
	items := []map[string]any{
		{"id": "aaaaaaaa-2222-4333-8444-555555555555", "name": "platform", "labels": map[string]any{"env": "prod", "a b": "x"}, "tags": []any{"t1", "t2"}},
		{"id": "bbbbbbbb-2222-4333-8444-555555555555", "name": "admins"},
	}
	cols, err := ParseColumns([]string{`NAME=.name,ENV=.labels.env`, `SPACE=.labels["a b"]`, "FIRST=.tags[0]", "ID8=.id[:8]", "ID=.id"})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "projected", renderT(t, Teams(items), Options{Columns: cols}, KindGet),
		"NAME      ENV   SPACE  FIRST  ID8       ID\n"+
			"platform  prod  x      t1     aaaaaaaa  aaaaaaaa-2222-4333-8444-555555555555\n"+
			"admins                        bbbbbbbb  bbbbbbbb-2222-4333-8444-555555555555\n")
	for spec, want := range map[string]string{
		"NAME":      `invalid --columns value "NAME": expected HEADER=.field`,
		"A=.a,A=.b": `duplicate --columns header "A"`,
		"A=name":    `invalid path for column "A": path must start with '.'`,
		"A=.x[":     "invalid --columns value: unterminated quoted key or bracket",
		"A=.x[-1]":  `invalid path for column "A": invalid array index "-1"`,
		"A=.a b":    `invalid path for column "A": field "a b" contains whitespace; use a quoted key`,
		"A=.s[3:1]": `invalid path for column "A": invalid string slice "3:1": start exceeds end`,
	} {
		if _, err := ParseColumns([]string{spec}); err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %q", spec, err, want)
		}
	}
	if _, err := (Options{Output: JSON, OutputSet: true, Columns: cols}).Validate(KindGet); err == nil || err.Error() != "--columns is only supported with --output text" {
		t.Errorf("json with columns: %v", err)
	}
	if _, err := (Options{JQ: ".", JQSet: true, Output: Text, OutputSet: true, Columns: cols}).Validate(KindGet); err == nil {
		t.Errorf("jq with columns: accepted")
	}
}
