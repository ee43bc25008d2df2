package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/konnectd/konnectd/core"
)

// QueryParam is konnect/request's "query": an object whose values are a
// string or an array of strings ({"page[size]":"10","filter[id][oeq]":["a","b"]}).
type QueryParam url.Values

// UnmarshalJSON accepts string and string-array values only.
func (q *QueryParam) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf(`field "query" must be an object`)
	}
	out := url.Values{}
	for k, v := range raw {
		var one string
		if json.Unmarshal(v, &one) == nil {
			out.Add(k, one)
			continue
		}
		var many []string
		if err := json.Unmarshal(v, &many); err != nil {
			return fmt.Errorf(`field "query.%s" must be a string or an array of strings`, k)
		}
		out[k] = append(out[k], many...)
	}
	*q = QueryParam(out)
	return nil
}

// RequestParams are konnect/request's params.
type RequestParams struct {
	ProfileParam
	Method        string            `json:"method,omitempty"`
	Path          string            `json:"path"`
	Query         QueryParam        `json:"query,omitempty"`
	Body          json.RawMessage   `json:"body,omitempty"`
	Headers       map[string]string `json:"headers,omitempty"`
	Region        string            `json:"region,omitempty"`
	Paginate      bool              `json:"paginate,omitempty"`
	RevealSecrets bool              `json:"revealSecrets,omitempty"`
	Format        *core.Format      `json:"format,omitempty"`
}

// Validate requires a path; the core checks the rest, all before any
// request is sent.
func (p *RequestParams) Validate() error {
	if p.Path == "" {
		return InvalidParams(`field "path" is required`)
	}
	return nil
}

// KonnectMethods: konnect/request, one call to any Konnect API with the
// profile's credential. With paginate, $/progress follows each page.
func KonnectMethods(svc *core.Service) []Method {
	return []Method{
		Func("konnect/request", func(ctx context.Context, p *RequestParams) (*core.APIResponse, error) {
			r := core.APIRequest{Method: p.Method, Path: p.Path, Query: url.Values(p.Query), Headers: p.Headers,
				Region: p.Region, Paginate: p.Paginate, RevealSecrets: p.RevealSecrets, Format: p.Format}
			if len(p.Body) > 0 && !bytes.Equal(p.Body, []byte("null")) {
				r.Body = p.Body
			}
			if p.Paginate {
				r.Progress = func(done, total int) { Progress(ctx, done, total) }
			}
			return svc.Request(ctx, CallerFrom(ctx, p.Profile), r)
		}),
	}
}
