package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/konnect"
)

// APIPrefixes are the API paths the konnect_get and konnect_request tools
// may address: Konnect's entity APIs and the readable parts of Identity.
// Left out on purpose: identity providers and authentication settings
// (SSO configuration, which can hold client secrets) and anything not
// listed. A path matches a prefix when it is the prefix or continues it
// with "/".
var APIPrefixes = []string{
	"/v2/control-planes", // control planes, and their gateway entities (core-entities)
	"/v2/cloud-gateways",
	"/v1/mesh",
	"/v2/api-products",
	"/v3/apis",
	"/v2/portals", "/v3/portals",
	"/v3/users", "/v3/teams", "/v3/system-accounts", "/v3/organizations", "/v3/roles",
	"/v3/available-regions",
}

func allowedPath(p string) (string, error) {
	_, clean, _, err := konnect.CheckRequest(konnect.Request{Path: p})
	if err != nil {
		return "", err
	}
	for _, pre := range APIPrefixes {
		if clean == pre || strings.HasPrefix(clean, pre+"/") {
			return clean, nil
		}
	}
	return "", fmt.Errorf("path %s is not one these tools may address; allowed API prefixes: %s", clean, strings.Join(APIPrefixes, ", "))
}

// GetArgs are konnect_get's arguments.
type GetArgs struct {
	ProfileArg
	Path     string            `json:"path" jsonschema:"an API path under one of the allowed prefixes, e.g. /v2/control-planes or /v2/control-planes/{id}/core-entities/services"`
	Query    map[string]string `json:"query,omitempty" jsonschema:"query parameters, e.g. {\"filter[name][contains]\":\"dev\",\"page[size]\":\"100\"}"`
	Paginate bool              `json:"paginate,omitempty" jsonschema:"follow every page (page-number or cursor paging) and return all the data items as one array"`
	Region   string            `json:"region,omitempty" jsonschema:"a Konnect region (us, eu, au, …) for a regional path instead of the profile's"`
	JQ       string            `json:"jq,omitempty" jsonschema:"a jq expression applied to the body (e.g. map({id, name})); its result is returned as result instead of body"`
}

// RequestArgs are konnect_request's arguments.
type RequestArgs struct {
	ProfileArg
	Method string            `json:"method" jsonschema:"POST, PUT, PATCH or DELETE (use konnect_get to read)"`
	Path   string            `json:"path" jsonschema:"an API path under one of the allowed prefixes"`
	Query  map[string]string `json:"query,omitempty" jsonschema:"query parameters"`
	Body   json.RawMessage   `json:"body,omitempty" jsonschema:"the JSON request body"`
	Region string            `json:"region,omitempty" jsonschema:"a Konnect region for a regional path instead of the profile's"`
}

// APIOutput is both tools' answer.
type APIOutput struct {
	Status  int               `json:"status" jsonschema:"the HTTP status Konnect answered"`
	Headers map[string]string `json:"headers,omitempty" jsonschema:"the passed-on response headers (content type, location, rate limits)"`
	Body    any               `json:"body,omitempty" jsonschema:"Konnect's JSON answer (with paginate: every page's data items); left out when jq was given"`
	Result  any               `json:"result,omitempty" jsonschema:"the jq expression's result over the body, when jq was given"`
	URL     string            `json:"url" jsonschema:"where the request went (the host shows global or regional)"`
	Pages   int               `json:"pages,omitempty" jsonschema:"requests a paginated answer took"`
}

type apiResult struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
	Result  json.RawMessage   `json:"result,omitempty"`
	URL     string            `json:"url"`
	Pages   int               `json:"pages,omitempty"`
}

func anyBody(s *jsonschema.Schema) {
	for _, k := range []string{"body", "result"} {
		if p, ok := s.Properties[k]; ok {
			s.Properties[k] = &jsonschema.Schema{Description: p.Description}
		}
	}
}

func (t *tools) addKonnectRead(s *sdk.Server) {
	sdk.AddTool(s, &sdk.Tool{
		Name: "konnect_get",
		Description: "GET any Konnect API path with the user's credential (which you never see): control planes, gateway services, routes, plugins, portals, API products, mesh, identity. " +
			"Allowed prefixes: " + strings.Join(APIPrefixes, ", ") + ". Use query for filters and page size, paginate for everything, and jq to keep the answer small.",
		Annotations:  readOnly("Read a Konnect API path"),
		InputSchema:  inputSchema[GetArgs](nil),
		OutputSchema: outputSchema[APIOutput](),
	}, t.konnectGet)
}

func (t *tools) addKonnectWrite(s *sdk.Server) {
	sdk.AddTool(s, &sdk.Tool{
		Name: "konnect_request",
		Description: "Change Konnect: POST, PUT, PATCH or DELETE on an allowed API path (" + strings.Join(APIPrefixes, ", ") + ") with the user's credential. " +
			"It can delete or overwrite the user's configuration: confirm with the user first. Every call is logged. Tokens are created with create_pat/create_spat, not here.",
		Annotations:  destructive("Change Konnect through its API"),
		InputSchema:  inputSchema[RequestArgs](anyBody),
		OutputSchema: outputSchema[APIOutput](),
	}, t.konnectRequest)
}

func (t *tools) konnectGet(ctx context.Context, _ *sdk.CallToolRequest, a GetArgs) (*sdk.CallToolResult, *apiResult, error) {
	p, err := allowedPath(a.Path)
	if err != nil {
		return nil, nil, err
	}
	if a.JQ != "" {
		if _, err := t.svc.JQ().Compile(a.JQ); err != nil {
			return nil, nil, t.failure(ctx, a.Profile, err)
		}
	}
	res, err := t.svc.Request(ctx, t.caller(a.Profile), core.APIRequest{Method: http.MethodGet, Path: p, Query: values(a.Query),
		Region: a.Region, Paginate: a.Paginate, RevealSecrets: t.o.RevealSecrets})
	if err != nil {
		return nil, nil, t.failure(ctx, a.Profile, err)
	}
	return t.answer(ctx, a.Profile, res, a.JQ)
}

func (t *tools) konnectRequest(ctx context.Context, _ *sdk.CallToolRequest, a RequestArgs) (*sdk.CallToolResult, *apiResult, error) {
	m := strings.ToUpper(strings.TrimSpace(a.Method))
	switch m {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return nil, nil, fmt.Errorf("method %q: konnect_request takes POST, PUT, PATCH or DELETE; read with konnect_get", a.Method)
	}
	p, err := allowedPath(a.Path)
	if err != nil {
		return nil, nil, err
	}
	// The audit log (issue 17) will take these lines over; until then
	// they go to the daemon's log at INFO. Paths are masked like
	// everything logged; bodies are not logged at all.
	profile := t.caller(a.Profile).ProfileName()
	res, err := t.svc.Request(ctx, t.caller(a.Profile), core.APIRequest{Method: m, Path: p, Query: values(a.Query), Body: a.Body,
		Region: a.Region, RevealSecrets: t.o.RevealSecrets})
	if err != nil {
		t.o.Log.Info("mcp konnect_request", "profile", profile, "method", m, "path", redact.String(p), "error", redact.String(err.Error()))
		return nil, nil, t.failure(ctx, a.Profile, err)
	}
	t.o.Log.Info("mcp konnect_request", "profile", profile, "method", m, "path", redact.String(p), "status", res.Status, "url", res.URL)
	return t.answer(ctx, a.Profile, res, "")
}

// answer turns the core's response into the tool's: a 4xx or 5xx is a
// tool error carrying Konnect's problem body, so the model reads why.
func (t *tools) answer(ctx context.Context, profile string, res *core.APIResponse, expr string) (*sdk.CallToolResult, *apiResult, error) {
	if res.Status >= 400 {
		return nil, nil, fmt.Errorf("Konnect answered %d %s for %s: %s", res.Status, http.StatusText(res.Status), res.URL, redact.String(string(res.Body)))
	}
	out := &apiResult{Status: res.Status, Headers: res.Headers, URL: res.URL, Pages: res.Pages}
	if expr == "" {
		out.Body = res.Body
		return nil, out, nil
	}
	r, err := t.svc.JQ().EvalJSON(ctx, expr, res.Body)
	if err != nil {
		return nil, nil, t.failure(ctx, profile, err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, nil, errors.New("jq result is not JSON: " + err.Error())
	}
	out.Result = b
	return nil, out, nil
}

func values(m map[string]string) url.Values {
	if len(m) == 0 {
		return nil
	}
	q := url.Values{}
	for k, v := range m {
		q.Set(k, v)
	}
	return q
}
