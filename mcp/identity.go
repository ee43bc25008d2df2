package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/konnect"
)

// DefaultListLimit is how many items a list tool returns when the model
// names no limit: enough to answer most questions, small enough for a
// context window. The model can ask for more.
const DefaultListLimit = 100

// ListArgs are every list tool's arguments: the same filter model as
// kongctl's --filter and konnectd's identity/* methods.
type ListArgs struct {
	ProfileArg
	Filter   any    `json:"filter,omitempty" jsonschema:"Konnect's filter: the query form (e.g. filter[email][contains]=@example.com&filter[active]=true) or a JSON object (e.g. {\"email\":{\"contains\":\"@example.com\"}}); conditions Konnect cannot take are applied by konnectd with the same rules"`
	Limit    int    `json:"limit,omitempty" jsonschema:"stop after this many matching items, at least 1 (default 100; leave it out rather than sending 0)"`
	PageSize int    `json:"page_size,omitempty" jsonschema:"items per Konnect request, at least 1 (default: the profile's konnect.page-size)"`
	JQ       string `json:"jq,omitempty" jsonschema:"a jq expression applied to the array of items (e.g. map({id, email})); its result is returned as result instead of data"`
}

// RoleArgs are list_assigned_roles' arguments: whose roles, then the list
// arguments.
type RoleArgs struct {
	UserID          string `json:"user_id,omitempty" jsonschema:"list the roles of this user"`
	TeamID          string `json:"team_id,omitempty" jsonschema:"list the roles of this team"`
	SystemAccountID string `json:"system_account_id,omitempty" jsonschema:"list the roles of this system account"`
	ListArgs
}

// ListOutput documents a list tool's answer for item type T.
type ListOutput[T any] struct {
	Data   []T           `json:"data,omitempty" jsonschema:"the matching items, as Konnect sent them (left out when jq was given)"`
	Meta   core.ListMeta `json:"meta" jsonschema:"total is Konnect's count of candidates; returned is len(data); local_filter names conditions konnectd applied itself"`
	Result any           `json:"result,omitempty" jsonschema:"the jq expression's result over the items, when jq was given"`
}

// listResult is what a list tool returns; ListOutput is its schema.
type listResult struct {
	Data   *[]json.RawMessage `json:"data,omitempty"` // nil only when jq ran
	Meta   core.ListMeta      `json:"meta"`
	Result json.RawMessage    `json:"result,omitempty"`
}

// filterEither lets filter be the query string or the JSON object. It is
// spelt anyOf rather than a type array, which hosts that map schemas onto
// a single-type dialect (Gemini's function declarations) cannot express.
func filterEither(s *jsonschema.Schema) {
	f := s.Properties["filter"]
	f.Types, f.Type = nil, ""
	f.AnyOf = []*jsonschema.Schema{{Type: "string"}, {Type: "object"}}
}

// listSchema is ListArgs' schema: filter either form, and limit and
// page_size of at least 1. The SDK validates arguments before the handler
// sees them, so "limit": 0 (which the handler cannot tell from an absent
// limit, and which the core reads as "no limit") is refused by name.
func listSchema(s *jsonschema.Schema) {
	filterEither(s)
	one := 1.0
	for _, name := range []string{"limit", "page_size"} {
		s.Properties[name].Minimum = &one
	}
}

// roleSchema is RoleArgs' schema: listSchema plus "exactly one of user_id,
// team_id, system_account_id" as a rule of the schema. It is spelt as one
// root "not" (not two of them, not none of them) because the Anthropic API,
// and so Claude Code, refuses a tool whose input schema has oneOf, anyOf
// or allOf at the top level.
func roleSchema(s *jsonschema.Schema) {
	listSchema(s)
	ids := []string{"user_id", "team_id", "system_account_id"}
	var bad, each []*jsonschema.Schema
	for i, a := range ids {
		each = append(each, &jsonschema.Schema{Required: []string{a}})
		for _, b := range ids[i+1:] {
			bad = append(bad, &jsonschema.Schema{Required: []string{a, b}})
		}
	}
	bad = append(bad, &jsonschema.Schema{Not: &jsonschema.Schema{AnyOf: each}})
	s.Not = &jsonschema.Schema{AnyOf: bad}
}

func (t *tools) addIdentity(s *sdk.Server) {
	sdk.AddTool(s, &sdk.Tool{
		Name:         "whoami",
		Description:  "Who the Konnect tools act as: the profile, where its credential comes from (never the value), the user (for a personal token) and the organization. Call this first.",
		Annotations:  readOnly("Who am I in Konnect"),
		InputSchema:  inputSchema[ProfileArg](nil),
		OutputSchema: outputSchema[core.AuthStatus](),
	}, t.whoami)
	sdk.AddTool(s, &sdk.Tool{
		Name:         "organization",
		Description:  "The Konnect organization the profile's credential belongs to.",
		Annotations:  readOnly("Konnect organization"),
		InputSchema:  inputSchema[ProfileArg](nil),
		OutputSchema: outputSchema[konnect.Organization](),
	}, t.organization)
	lists := []struct {
		name, title, what string
		schema            *jsonschema.Schema
		list              func(context.Context, core.Caller, core.ListQuery) (any, error)
	}{
		{"list_users", "List Konnect users", "the organization's users (fields: id, email, full_name, preferred_name, active, created_at, updated_at)",
			outputSchema[ListOutput[konnect.User]](),
			func(ctx context.Context, c core.Caller, q core.ListQuery) (any, error) {
				return t.svc.ListUsers(ctx, c, q, nil)
			}},
		{"list_teams", "List Konnect teams", "the organization's teams (fields: id, name, description, system_team, labels, created_at, updated_at)",
			outputSchema[ListOutput[konnect.Team]](),
			func(ctx context.Context, c core.Caller, q core.ListQuery) (any, error) {
				return t.svc.ListTeams(ctx, c, q, nil)
			}},
		{"list_system_accounts", "List Konnect system accounts", "the organization's system accounts (fields: id, name, description, konnect_managed, created_at, updated_at)",
			outputSchema[ListOutput[konnect.SystemAccount]](),
			func(ctx context.Context, c core.Caller, q core.ListQuery) (any, error) {
				return t.svc.ListSystemAccounts(ctx, c, q, nil)
			}},
	}
	for _, l := range lists {
		sdk.AddTool(s, &sdk.Tool{
			Name:         l.name,
			Description:  "List " + l.what + ". Filter, limit and jq keep the answer small.",
			Annotations:  readOnly(l.title),
			InputSchema:  inputSchema[ListArgs](listSchema),
			OutputSchema: l.schema,
		}, func(ctx context.Context, _ *sdk.CallToolRequest, a ListArgs) (*sdk.CallToolResult, *listResult, error) {
			return t.runList(ctx, a, func(c core.Caller, q core.ListQuery) (any, error) { return l.list(ctx, c, q) })
		})
	}
	sdk.AddTool(s, &sdk.Tool{
		Name:         "list_assigned_roles",
		Description:  "List the roles assigned to one user, team or system account (give exactly one of user_id, team_id, system_account_id). Fields: id, role_name, entity_id, entity_type_name, entity_region.",
		Annotations:  readOnly("List assigned roles"),
		InputSchema:  inputSchema[RoleArgs](roleSchema),
		OutputSchema: outputSchema[ListOutput[konnect.AssignedRole]](),
	}, func(ctx context.Context, _ *sdk.CallToolRequest, a RoleArgs) (*sdk.CallToolResult, *listResult, error) {
		var subjects []konnect.Subject
		for _, s := range []konnect.Subject{{Kind: konnect.SubjectUser, ID: a.UserID}, {Kind: konnect.SubjectTeam, ID: a.TeamID}, {Kind: konnect.SubjectSystemAccount, ID: a.SystemAccountID}} {
			if s.ID != "" {
				subjects = append(subjects, s)
			}
		}
		if len(subjects) != 1 {
			return nil, nil, errors.New("give exactly one of user_id, team_id or system_account_id (list_users, list_teams or list_system_accounts find the id)")
		}
		return t.runList(ctx, a.ListArgs, func(c core.Caller, q core.ListQuery) (any, error) {
			return t.svc.ListAssignedRoles(ctx, c, subjects[0], q, nil)
		})
	})
}

func (t *tools) whoami(ctx context.Context, _ *sdk.CallToolRequest, a ProfileArg) (*sdk.CallToolResult, *core.AuthStatus, error) {
	st, err := t.svc.Status(ctx, t.caller(a.Profile))
	if err != nil {
		return nil, nil, t.failure(ctx, a.Profile, err)
	}
	if !st.Authenticated {
		// Status answers even when Konnect cannot; a model needs to know
		// that nothing else will work until the user acts.
		lines := []string{st.Problem}
		for _, w := range st.Warnings {
			if !strings.Contains(st.Problem, w) { // warnings repeat the problem for older clients
				lines = append(lines, w)
			}
		}
		if st.Hint != "" {
			lines = append(lines, "What the user can do: "+st.Hint)
		}
		if st.State == "unreachable" {
			return nil, nil, fmt.Errorf("could not check profile %q:\n%s\nKonnect may be down or unreachable from here; the credential itself was not tested", st.Profile, strings.Join(lines, "\n"))
		}
		return nil, nil, fmt.Errorf("not authenticated for profile %q:\n%s\nThe user must authorize konnectd; a tool cannot do it", st.Profile, strings.Join(lines, "\n"))
	}
	return nil, st, nil
}

func (t *tools) organization(ctx context.Context, _ *sdk.CallToolRequest, a ProfileArg) (*sdk.CallToolResult, json.RawMessage, error) {
	v, err := t.svc.Organization(ctx, t.caller(a.Profile), nil)
	if err != nil {
		return nil, nil, t.failure(ctx, a.Profile, err)
	}
	raw, ok := v.(json.RawMessage)
	if !ok {
		return nil, nil, fmt.Errorf("organization: unexpected answer %T", v)
	}
	return nil, raw, nil
}

// runList checks the jq expression and the filter's shape, runs one core
// listing, and applies jq to its items.
func (t *tools) runList(ctx context.Context, a ListArgs, list func(core.Caller, core.ListQuery) (any, error)) (*sdk.CallToolResult, *listResult, error) {
	q := core.ListQuery{PageSize: a.PageSize, Limit: a.Limit}
	if q.Limit == 0 {
		q.Limit = DefaultListLimit
	}
	switch f := a.Filter.(type) {
	case nil:
	case string:
		q.Filter = f
	default:
		b, err := json.Marshal(f)
		if err != nil {
			return nil, nil, errors.New("filter: " + err.Error())
		}
		q.Filter = string(b)
	}
	// A bad expression fails before Konnect is called, like every format
	// check in the core.
	if a.JQ != "" {
		if _, err := t.svc.JQ().Compile(a.JQ); err != nil {
			return nil, nil, t.failure(ctx, a.Profile, err)
		}
	}
	v, err := list(t.caller(a.Profile), q)
	if err != nil {
		return nil, nil, t.failure(ctx, a.Profile, err)
	}
	l, ok := v.(*core.List)
	if !ok {
		return nil, nil, fmt.Errorf("list: unexpected answer %T", v)
	}
	res := &listResult{Meta: l.Meta}
	items := l.Data
	if items == nil {
		items = []json.RawMessage{}
	}
	if a.JQ == "" {
		res.Data = &items
		return nil, res, nil
	}
	if res.Result, err = t.evalJQ(ctx, a.JQ, items); err != nil {
		return nil, nil, t.failure(ctx, a.Profile, err)
	}
	return nil, res, nil
}

// evalJQ runs expr on v (any JSON-marshalable value) under the engine's
// limits and deadline, and returns the result as JSON.
func (t *tools) evalJQ(ctx context.Context, expr string, v any) (json.RawMessage, error) {
	in, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out, err := t.svc.JQ().EvalJSON(ctx, expr, in)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, errors.New("jq result is not JSON: " + err.Error())
	}
	return b, nil
}
