package konnect

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/konnectd/konnectd/internal/redact"
)

// ErrOutcomeUnknown means a create request may have reached Konnect but no
// usable answer came back: none, one that could not be read, or one that
// neither says it was done (2xx) nor that it was refused (4xx), such as a
// gateway's 5xx after the upstream committed. The client does not retry
// such a request (a retry could mint a second token); the caller must look
// before trying again. The wrapping error says first what happened.
var ErrOutcomeUnknown = errors.New("the request may have reached Konnect: " +
	"the token or account may exist; list them to check before creating another")

// InvalidParameter is one entry of a 400's invalid_parameters.
type InvalidParameter struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
	Rule   string `json:"rule,omitempty"`
	Source string `json:"source,omitempty"`
}

// APIError is a Konnect problem+json answer (or any non-2xx answer) to one
// operation. Op is kongctl's phrase for it, e.g. "Failed to create personal
// access token".
type APIError struct {
	Op                string
	Status            int
	Type              string
	Title             string
	Detail            string
	Instance          string
	InvalidParameters []InvalidParameter
	// invalidRaw is invalid_parameters as Konnect sent it (every field,
	// strings masked), for Error: kongctl prints it with Go's %v.
	invalidRaw []any
}

// Error prints the way kongctl prints a Konnect error: the operation, then
// the problem's fields, sorted, one per indented line. Secrets are masked.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	fields := map[string]string{
		"detail":   e.Detail,
		"instance": e.Instance,
		"status":   fmt.Sprint(e.Status),
		"title":    e.Title,
		"type":     e.Type,
	}
	keys := make([]string, 0, len(fields))
	for k, v := range fields {
		if v != "" {
			keys = append(keys, k)
		}
	}
	if len(e.InvalidParameters) > 0 {
		keys = append(keys, "invalid_parameters")
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k != "invalid_parameters" {
			fmt.Fprintf(&b, "\n  %s: %s", k, fields[k])
			continue
		}
		// kongctl prints the decoded list with %v: Go's map form, keys
		// sorted, numbers as float64 prints them.
		raw := e.invalidRaw
		if raw == nil {
			for _, p := range e.InvalidParameters {
				m := map[string]any{"field": p.Field, "reason": p.Reason}
				if p.Rule != "" {
					m["rule"] = p.Rule
				}
				if p.Source != "" {
					m["source"] = p.Source
				}
				raw = append(raw, m)
			}
		}
		fmt.Fprintf(&b, "\n  invalid_parameters: %v", raw)
	}
	return redact.String(b.String())
}

// NotFound reports whether err is a 404 from Konnect.
func NotFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// problem is the wire form of a problem+json body.
type problem struct {
	Status            int                `json:"status"`
	Type              string             `json:"type"`
	Title             string             `json:"title"`
	Detail            string             `json:"detail"`
	Instance          string             `json:"instance"`
	InvalidParameters []InvalidParameter `json:"invalid_parameters"`
}

// apiError turns a non-2xx answer into an APIError. A body that is not
// problem+json (a proxy's HTML page) is summarized, never quoted whole.
func apiError(op string, status int, body []byte) *APIError {
	e := &APIError{Op: op, Status: status}
	var p problem
	if json.Unmarshal(body, &p) == nil && (p.Title != "" || p.Detail != "") {
		// Masked here, not only in Error: callers pass the fields on (the
		// RPC layer puts them in error data), and a server that echoes a
		// token back must not get it into the error.
		e.Type, e.Title, e.Detail, e.Instance = redact.String(p.Type), redact.String(p.Title), redact.String(p.Detail), redact.String(p.Instance)
		for _, ip := range p.InvalidParameters {
			ip.Field, ip.Reason, ip.Rule, ip.Source = redact.String(ip.Field), redact.String(ip.Reason), redact.String(ip.Rule), redact.String(ip.Source)
			e.InvalidParameters = append(e.InvalidParameters, ip)
		}
		var raw struct {
			InvalidParameters []any `json:"invalid_parameters"`
		}
		if json.Unmarshal(body, &raw) == nil {
			e.invalidRaw = maskStrings(raw.InvalidParameters).([]any)
		}
		return e
	}
	e.Title = http.StatusText(status)
	if s := strings.TrimSpace(string(body)); s != "" {
		if len(s) > 200 {
			s = s[:200] + "…"
		}
		e.Detail = redact.String(s)
	}
	return e
}

// maskStrings is v with every string redacted, for a decoded JSON value.
func maskStrings(v any) any {
	switch v := v.(type) {
	case string:
		return redact.String(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = maskStrings(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[redact.String(k)] = maskStrings(x)
		}
		return out
	}
	return v
}
