package spec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/konnectd/konnectd/internal/redact"
)

// Exchange is one request and, when known, its response, with both bodies
// already read so they can be validated and still be delivered.
type Exchange struct {
	Request      *http.Request
	RequestBody  []byte
	Status       int
	Header       http.Header
	ResponseBody []byte
}

// route finds the operation a request addresses, in any document, and the
// host that document declares it on.
func (d *Docs) route(req *http.Request) (*routers.Route, map[string]string, string, error) {
	var firstErr error
	for _, rt := range d.routers {
		r := req.Clone(context.Background())
		r.URL = aimedAt(req.URL, rt.host)
		r.Host = rt.host
		route, params, err := rt.router.FindRoute(r)
		if err == nil {
			return route, params, rt.host, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, nil, "", firstErr
}

// OperationID names the operation a request addresses, or "" when the
// request matches no operation of either document.
func (d *Docs) OperationID(req *http.Request) string {
	route, _, _, err := d.route(req)
	if err != nil || route.Operation == nil {
		return ""
	}
	return route.Operation.OperationID
}

func (d *Docs) requestInput(req *http.Request, body []byte) (*openapi3filter.RequestValidationInput, error) {
	route, params, host, err := d.route(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: no such operation in the spec: %w", req.Method, req.URL.Path, err)
	}
	r := req.Clone(req.Context())
	r.URL = aimedAt(req.URL, host)
	r.Body = io.NopCloser(bytes.NewReader(body))
	return &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:         true,
			AuthenticationFunc: authenticate,
		},
	}, nil
}

// ValidateRequest checks one request against the operation it addresses:
// path, query (including deepObject filters), security and body.
func (d *Docs) ValidateRequest(ctx context.Context, req *http.Request, body []byte) error {
	in, err := d.requestInput(req, body)
	if err != nil {
		return err
	}
	op := in.Route.Operation.OperationID
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		return clean(fmt.Errorf("%s request: %w", op, err))
	}
	return d.checkFilters(op, req)
}

// checkFilters holds filter[field][op] parameters to what the operation
// declares. kin-openapi decodes a deepObject by the properties it knows and
// silently drops the rest, so an undeclared field or operator (lt on a
// string, say) would otherwise pass.
func (d *Docs) checkFilters(op string, req *http.Request) error {
	allowed := d.FilterOps(op)
	for key := range req.URL.Query() {
		if !strings.HasPrefix(key, "filter[") {
			continue
		}
		field, rest := splitBracket(key[len("filter"):])
		oper, _ := splitBracket(rest)
		if oper == "" {
			oper = "eq"
		}
		ops, ok := allowed[field]
		if !ok {
			if f, _, dotted := strings.Cut(field, "."); dotted {
				ops, ok = allowed[f+".*"]
			}
		}
		if !ok {
			return fmt.Errorf("%s request: filter on %q is not declared", op, field)
		}
		if !slices.Contains(ops, oper) {
			return fmt.Errorf("%s request: filter operator %q on %q is not declared (allowed: %v)", op, oper, field, ops)
		}
	}
	return nil
}

// ValidateResponse checks one response against what the operation declares.
// 429 and 5xx may come from any Konnect API (the legacy error catalogue says
// so) although the spec lists them almost nowhere: for those only the
// problem+json shape is checked. The same goes for a 401 or 403 from an
// operation that requires a credential but forgot to declare them (list-users
// declares only 200 and 400, yet a revoked token cannot list users); where
// the operation does declare them, the declared schema applies.
func (d *Docs) ValidateResponse(ctx context.Context, x Exchange) error {
	in, err := d.requestInput(x.Request, x.RequestBody)
	if err != nil {
		return err
	}
	op := in.Route.Operation.OperationID
	if x.Status == http.StatusTooManyRequests || x.Status >= 500 {
		return checkProblem(op, x)
	}
	if undeclaredAuthError(in.Route, x.Status) {
		return checkProblem(op, x)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 x.Status,
		Header:                 x.Header,
		Body:                   io.NopCloser(bytes.NewReader(x.ResponseBody)),
		Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return clean(fmt.Errorf("%s response %d: %w", op, x.Status, err))
	}
	return nil
}

// undeclaredAuthError reports a 401 or 403 that route's operation does not
// list although it is secured (by its own or the document's security).
func undeclaredAuthError(route *routers.Route, status int) bool {
	if status != http.StatusUnauthorized && status != http.StatusForbidden {
		return false
	}
	op := route.Operation
	if op.Responses.Status(status) != nil {
		return false
	}
	sec := op.Security
	if sec == nil {
		sec = &route.Spec.Security
	}
	return len(*sec) > 0
}

func checkProblem(op string, x Exchange) error {
	ct := x.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "application/problem+json") {
		return fmt.Errorf("%s response %d: content type %q, want application/problem+json", op, x.Status, ct)
	}
	for _, f := range []string{`"status"`, `"title"`} {
		if !bytes.Contains(x.ResponseBody, []byte(f)) {
			return fmt.Errorf("%s response %d: problem body lacks %s", op, x.Status, f)
		}
	}
	return nil
}

// authenticate holds the bearer credential to the schemes an operation
// accepts. All four of Konnect's schemes are bearer tokens and differ only
// by shape: kpat_ for personalAccessToken, spat_ for
// systemAccountAccessToken, anything else (a JWT) for the other two. The
// token itself never enters an error.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		return in.NewError(errors.New("no bearer credential"))
	}
	isPAT, isSPAT := strings.HasPrefix(tok, "kpat_"), strings.HasPrefix(tok, "spat_")
	var fits bool
	switch in.SecuritySchemeName {
	case "personalAccessToken":
		fits = isPAT
	case "systemAccountAccessToken":
		fits = isSPAT
	default:
		fits = !isPAT && !isSPAT
	}
	if !fits {
		return in.NewError(fmt.Errorf("credential does not fit scheme %s", in.SecuritySchemeName))
	}
	return nil
}

// clean keeps secrets out of a validation message: kin-openapi quotes
// offending values, and a token in a body is a value like any other.
func clean(err error) error {
	return errors.New(redact.String(err.Error()))
}
