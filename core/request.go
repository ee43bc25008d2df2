package core

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/konnect"
)

// APIRequest is one call to any Konnect API with the profile's credential:
// konnectd api, konnect/request, and the MCP konnect_get and
// konnect_request tools.
type APIRequest struct {
	Method   string
	Path     string
	Query    url.Values
	Body     json.RawMessage // any JSON value; nil sends no body
	Headers  map[string]string
	Region   string // a regional path goes to this region's host
	Paginate bool
	// RevealSecrets lets kpat_/spat_ values in the answer through. Without
	// it they are masked, and a call that would create a token is refused
	// (its value, shown once, would be masked and lost).
	RevealSecrets bool
	// Format renders the body as the CLI prints it (-o json|yaml, --jq,
	// -r) into Text, which then replaces Body.
	Format   *Format
	Progress func(done, total int)
}

// APIResponse is Konnect's answer. A non-2xx status is an answer too: the
// body holds Konnect's problem+json.
type APIResponse struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	// Body is the answer's JSON (with paginate, the array of every page's
	// data items); a body that is not JSON is a JSON string; no body is
	// null. Absent when a format was given.
	Body json.RawMessage `json:"body,omitempty"`
	Text *string         `json:"text,omitempty"`
	// URL is where the first request went (no query): its host shows
	// whether the global or a regional host served it.
	URL      string   `json:"url"`
	Pages    int      `json:"pages,omitempty"`
	Redacted bool     `json:"redacted,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// maxAPIBytes is the cap on one request body and on one answer (all pages
// together): jq/eval's input cap, so any answer can be given to --jq.
func (s *Service) maxAPIBytes() int64 { return s.jq.Limits().MaxInput }

// CreatesToken reports whether a call would mint a token whose value
// Konnect shows only once: a POST to an …access-tokens (or …tokens)
// collection.
func CreatesToken(method, path string) bool {
	if !strings.EqualFold(method, http.MethodPost) {
		return false
	}
	p, _, _ := strings.Cut(path, "?")
	p = strings.TrimRight(p, "/")
	last := p[strings.LastIndex(p, "/")+1:]
	return strings.Contains(strings.ToLower(last), "token")
}

// createWarning is what a token-creating call through the generic path
// says: the token is the caller's now, and there was a better way.
const createWarning = "this call created a token and printed its value, which Konnect shows only once; " +
	"'konnectd create pat|spat --store NAME' keeps a new token in the keychain instead"

// Request checks r, resolves the caller's profile and credential, and
// sends it. Every check (method, path, headers, body size, format) runs
// before Konnect is contacted.
func (s *Service) Request(ctx context.Context, c Caller, r APIRequest) (*APIResponse, error) {
	kr := konnect.Request{Method: r.Method, Path: r.Path, Query: r.Query, Region: r.Region, Paginate: r.Paginate,
		MaxBytes: s.maxAPIBytes(), Progress: r.Progress}
	if len(r.Headers) > 0 {
		kr.Header = http.Header{}
		for k, v := range r.Headers {
			kr.Header.Set(k, v)
		}
	}
	method, path, _, err := konnect.CheckRequest(kr)
	if err != nil {
		return nil, invalid(err.Error())
	}
	if strings.TrimSpace(r.Region) != "" {
		if _, err := konnect.BaseURLFromRegion(r.Region); err != nil {
			return nil, invalid(err.Error())
		}
	}
	if len(r.Body) > 0 && !bytes.Equal(bytes.TrimSpace(r.Body), []byte("null")) {
		if int64(len(r.Body)) > kr.MaxBytes {
			return nil, invalid(fmt.Sprintf("the request body is %d bytes, over the %d-byte limit", len(r.Body), kr.MaxBytes))
		}
		if !json.Valid(r.Body) {
			return nil, invalid("the request body is not valid JSON")
		}
		if method == http.MethodGet || method == http.MethodHead {
			return nil, invalid(fmt.Sprintf("a %s request has no body; give the method that takes one (-X POST, PUT or PATCH)", method))
		}
		kr.Body = r.Body
	}
	creates := CreatesToken(method, path)
	if creates && !r.RevealSecrets {
		return nil, invalid("POST " + path + " creates a token whose value Konnect shows only once, and this call would mask it: " +
			"use 'konnectd create pat|spat' (with --store NAME it goes straight to the keychain), or pass --reveal-secrets to print it")
	}
	if r.Format != nil {
		if err := s.checkAPIFormat(r.Format); err != nil {
			return nil, err
		}
	}
	sess, err := s.Resolve(ctx, c)
	if err != nil {
		return nil, err
	}
	kr.Method, kr.Path = method, r.Path
	res, err := sess.client.Request(ctx, kr)
	if err != nil {
		return nil, err
	}
	out := &APIResponse{Status: res.Status, Headers: map[string]string{}, URL: res.URL, Warnings: sess.Warnings}
	if r.Paginate {
		out.Pages = res.Pages
	}
	for k, vs := range res.Header {
		v := strings.Join(vs, ", ")
		if !r.RevealSecrets && redact.Contains(v) {
			v, out.Redacted = redact.String(v), true
		}
		out.Headers[k] = v
	}
	body := bytes.TrimSpace(res.Body)
	empty := len(body) == 0
	switch {
	case empty:
		body = []byte("null")
	case !json.Valid(body):
		body, _ = json.Marshal(string(body))
	}
	if !r.RevealSecrets && redact.Contains(string(body)) {
		// The mask has no quotes or backslashes, so JSON stays JSON.
		body, out.Redacted = []byte(redact.String(string(body))), true
	}
	if out.Redacted {
		out.Warnings = append(out.Warnings, "a token value in Konnect's answer was masked; --reveal-secrets shows it")
	}
	if creates && res.Status >= 200 && res.Status < 300 {
		out.Warnings = append(out.Warnings, createWarning)
	}
	if r.Format == nil {
		out.Body = body
		return out, nil
	}
	text := "" // no body (HEAD, 204) prints nothing, as gh api does
	if !empty || r.Format.JQ != nil {
		if text, err = s.renderAPI(ctx, r.Format, body); err != nil {
			return nil, err
		}
	}
	out.Text = &text
	return out, nil
}

// checkAPIFormat holds -o, --jq and -r to the rules of konnectd call.
func (s *Service) checkAPIFormat(f *Format) error {
	switch f.Output {
	case "", "json", "yaml":
	default:
		return invalid(fmt.Sprintf("invalid value %q for --output, must be one of [json yaml]", f.Output))
	}
	if f.RawOutput && f.JQ == nil {
		return invalid("--jq-raw-output requires --jq")
	}
	if f.RawOutput && f.Output == "yaml" {
		return invalid("--jq-raw-output is only supported with --output json when used with --jq")
	}
	if f.JQ != nil {
		if _, err := s.jq.Compile(*f.JQ); err != nil {
			return invalid(err.Error())
		}
	}
	return nil
}

// renderAPI prints body as the CLI does: jq first, then indented JSON or
// YAML; -r prints jq's strings raw, one result per line.
func (s *Service) renderAPI(ctx context.Context, f *Format, body []byte) (string, error) {
	if f.JQ != nil && f.RawOutput {
		return s.jq.EvalJSONRaw(ctx, *f.JQ, body)
	}
	if f.JQ != nil {
		v, err := s.jq.EvalJSON(ctx, *f.JQ, body)
		if err != nil {
			return "", err
		}
		if body, err = json.Marshal(v); err != nil {
			return "", err
		}
	}
	if f.Output == "yaml" {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return "", err
		}
		b, err := yaml.Marshal(v)
		return string(b), err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, body, "", "  "); err != nil {
		return "", err
	}
	buf.WriteByte('\n')
	return buf.String(), nil
}
