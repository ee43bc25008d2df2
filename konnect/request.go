package konnect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/konnectd/konnectd/internal/redact"
)

// Request is one call to any Konnect API, by path: what `konnectd api`
// and the konnect/request method send. The client picks the host, adds
// the credential, retries what may be retried and pages when asked.
type Request struct {
	// Method is GET when empty; only GET, HEAD, POST, PUT, PATCH and
	// DELETE are sent.
	Method string
	// Path is the API path from the host's root, e.g. /v2/control-planes.
	// It may carry a query (merged with Query); it may not be a URL, so a
	// request can never name its own host.
	Path  string
	Query url.Values
	// Body is sent as it is (JSON, as Konnect's APIs take); nil sends none.
	Body []byte
	// Header adds headers. Authorization, Host, Cookie and the framing
	// headers are refused: the credential is the client's to set.
	Header http.Header
	// Region sends a regional path to that region's host instead of the
	// profile's; global paths (Identity, organizations) ignore it.
	Region string
	// Paginate follows every page of a GET listing and answers with the
	// concatenation of their data arrays; see Response.
	Paginate bool
	// MaxBytes caps one response body and, when paginating, all pages
	// together; 0 means 8 MiB (jq/eval's input cap, so the answer can
	// always be given to --jq).
	MaxBytes int64
	// Progress, when set and paginating, hears after each page how many
	// items have arrived and how many Konnect says there are (0 when a
	// cursor-paged API does not say).
	Progress func(done, total int)
}

// Response is what Konnect answered. A non-2xx answer is a Response too,
// not an error: the caller shows the status and Konnect's problem body.
type Response struct {
	Status int
	// Header holds only the allow-listed headers (see ResponseHeaders).
	Header http.Header
	// Body is the answer's body as sent, or with Paginate and a 2xx first
	// page the JSON array of every page's data items, in order.
	Body []byte
	// Pages counts the requests a paginated answer took.
	Pages int
	// URL is where the (first) request went, without its query: the
	// host shows which routing rule applied.
	URL string
}

// ErrNoAnswer means a POST or PATCH may have reached Konnect but no answer
// came back. It is not sent again (it may have created or changed
// something); the caller must look before retrying.
var ErrNoAnswer = errors.New("the request may have reached Konnect but no answer came back, so it was not sent again: check whether it took effect before retrying")

// DefaultMaxBytes is Request.MaxBytes' default.
const DefaultMaxBytes = 8 << 20

// maxPages bounds one paginated request, whatever the server says.
const maxPages = 10_000

// ResponseHeaders are the response headers passed on: what a script needs
// (type, location of a created object, rate limits, request ids) and
// nothing that could carry a session (Set-Cookie).
var ResponseHeaders = []string{"Content-Type", "Location", "Retry-After", "Etag", "Last-Modified", "Link",
	"X-Request-Id", "X-Kong-Request-Id", "Ratelimit-Limit", "Ratelimit-Remaining", "Ratelimit-Reset",
	"X-Ratelimit-Limit-Minute", "X-Ratelimit-Remaining-Minute"}

// globalAPIs are the first path segments under /v3 that Konnect serves on
// the global host only: the Identity and Organizations APIs (every path of
// their official documents) and available-regions, as kongctl routes them.
var globalAPIs = map[string]bool{
	"authenticate": true, "authentication-settings": true, "identity-provider": true, "identity-providers": true,
	"invites": true, "organizations": true, "roles": true, "system-accounts": true, "teams": true, "users": true,
	"available-regions": true,
}

// IsGlobalPath reports whether path belongs to an API Konnect serves on
// the global host rather than the profile's region.
func IsGlobalPath(p string) bool {
	rest, ok := strings.CutPrefix(p, "/v3/")
	if !ok {
		return false
	}
	first, _, _ := strings.Cut(rest, "/")
	first, _, _ = strings.Cut(first, "?")
	return globalAPIs[first]
}

var methods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true}

// Idempotent reports whether a method may be sent again after a failure
// that may have reached the server (RFC 9110 §9.2.2).
func Idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

var refusedHeaders = map[string]bool{"Authorization": true, "Host": true, "Cookie": true, "Content-Length": true,
	"Transfer-Encoding": true, "Connection": true, "Proxy-Authorization": true}

// CheckRequest validates r without sending it: method, path and headers.
// It returns the normalized method, path and query.
func CheckRequest(r Request) (method, p string, q url.Values, err error) {
	method = strings.ToUpper(strings.TrimSpace(r.Method))
	if method == "" {
		method = http.MethodGet
	}
	if !methods[method] {
		return "", "", nil, fmt.Errorf("method %q is not one of GET, HEAD, POST, PUT, PATCH, DELETE", r.Method)
	}
	raw := strings.TrimSpace(r.Path)
	if raw == "" {
		return "", "", nil, errors.New("the path is empty")
	}
	if strings.Contains(raw, "://") {
		return "", "", nil, fmt.Errorf("the path %q must be a path on the Konnect host (like /v2/control-planes), not a URL", redact.String(raw))
	}
	if !strings.HasPrefix(raw, "/") {
		raw = "/" + raw // gh api takes "repos/x" as well as "/repos/x"
	}
	if strings.HasPrefix(raw, "//") || strings.Contains(raw, "#") {
		return "", "", nil, fmt.Errorf("the path %q must be a path on the Konnect host (like /v2/control-planes), not a URL", redact.String(raw))
	}
	u, perr := url.Parse(raw)
	if perr != nil || u.Host != "" || u.Scheme != "" {
		return "", "", nil, fmt.Errorf("the path %q must be a path on the Konnect host (like /v2/control-planes), not a URL", redact.String(raw))
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == ".." || seg == "." {
			return "", "", nil, fmt.Errorf("the path %q has a %q segment", redact.String(raw), seg)
		}
	}
	q = url.Values{}
	for k, vs := range u.Query() {
		q[k] = append(q[k], vs...)
	}
	for k, vs := range r.Query {
		q[k] = append(q[k], vs...)
	}
	for k := range r.Header {
		if refusedHeaders[http.CanonicalHeaderKey(k)] {
			return "", "", nil, fmt.Errorf("header %q is set by konnectd and cannot be given", http.CanonicalHeaderKey(k))
		}
	}
	if r.Paginate && method != http.MethodGet {
		return "", "", nil, fmt.Errorf("--paginate needs a GET request, not %s", method)
	}
	return method, path.Clean(u.Path), q, nil
}

// root is where a request's path goes: the global host for global APIs,
// else the region asked for, else the profile's base URL.
func (c *Client) root(p, region string) (*url.URL, error) {
	if IsGlobalPath(p) {
		return c.ep.identity, nil
	}
	if strings.TrimSpace(region) == "" {
		return c.ep.regional, nil
	}
	base, err := BaseURLFromRegion(region)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(c.ep.regional.Hostname(), "konghq.tech") {
		base = strings.Replace(base, "konghq.com", "konghq.tech", 1)
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	if err := trusted(u); err != nil {
		return nil, err
	}
	return u, nil
}

// Request sends r. The credential goes only to the trusted roots New
// checked, or to a region's konghq host; redirects are held to the same
// rule. Reads (and PUT and DELETE) are retried on a dropped connection, a
// 429 or a 5xx; POST and PATCH only when they never left or were turned
// away with 429, so a create is never sent twice.
func (c *Client) Request(ctx context.Context, r Request) (*Response, error) {
	method, p, q, err := CheckRequest(r)
	if err != nil {
		return nil, err
	}
	root, err := c.root(p, r.Region)
	if err != nil {
		return nil, err
	}
	limit := r.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	u := *root
	u.Path = strings.TrimRight(root.Path, "/") + p
	first := u
	u.RawQuery = encodeQuery(q)
	status, hdr, body, err := c.attempt(ctx, method, u.String(), r.Body, r.Header, limit)
	if err != nil {
		return nil, err
	}
	res := &Response{Status: status, Header: allowHeaders(hdr), Body: body, Pages: 1, URL: first.String()}
	if !r.Paginate || status < 200 || status > 299 {
		return res, nil
	}
	return c.paginate(ctx, r, &u, q, res, limit)
}

// attempt sends one request with the retry rules of Request.
func (c *Client) attempt(ctx context.Context, method, target string, body []byte, hdr http.Header, limit int64) (int, http.Header, []byte, error) {
	op := method + " " + redact.String(stripQuery(target))
	retryable := Idempotent(method)
	for attempt := 0; ; attempt++ {
		status, header, respBody, err := c.sendWith(ctx, method, target, body, hdr, limit)
		u, _ := url.Parse(target)
		if u == nil {
			u = &url.URL{}
		}
		if err != nil {
			if ctx.Err() != nil {
				return 0, nil, nil, fmt.Errorf("%s: %w", op, ctx.Err())
			}
			if errors.Is(err, ErrBodyTooLarge) {
				return 0, nil, nil, fmt.Errorf("%s: %w; narrow it with filters or a smaller page[size]", op, err)
			}
			sent := !isDialError(err)
			if (retryable || !sent) && attempt < c.maxRetries {
				if werr := c.wait(ctx, op, u, attempt, "", err.Error()); werr != nil {
					return 0, nil, nil, fmt.Errorf("%s: %w", op, werr)
				}
				continue
			}
			if sent && !retryable {
				return 0, nil, nil, fmt.Errorf("%s: %w (%v)", op, ErrNoAnswer, redact.Error(err))
			}
			return 0, nil, nil, fmt.Errorf("%s: %w", op, redact.Error(err))
		}
		again := retryableStatus(status) && (retryable || status == http.StatusTooManyRequests)
		if again && attempt < c.maxRetries {
			if werr := c.wait(ctx, op, u, attempt, header.Get("Retry-After"), fmt.Sprintf("%d %s", status, http.StatusText(status))); werr != nil {
				return 0, nil, nil, fmt.Errorf("%s: %w", op, werr)
			}
			continue
		}
		return status, header, respBody, nil
	}
}

func stripQuery(target string) string {
	s, _, _ := strings.Cut(target, "?")
	return s
}

func allowHeaders(h http.Header) http.Header {
	out := http.Header{}
	for _, k := range ResponseHeaders {
		if vs := h.Values(k); len(vs) > 0 {
			out[k] = append([]string(nil), vs...)
		}
	}
	return out
}

// pageEnvelope is what paginate reads of a page: its items and both
// paging styles' metadata.
type pageEnvelope struct {
	Data []json.RawMessage `json:"data"`
	Meta struct {
		Page struct {
			Number *int     `json:"number"`
			Size   *float64 `json:"size"`
			Total  *float64 `json:"total"`
			Next   *string  `json:"next"`
		} `json:"page"`
	} `json:"meta"`
}

// paginate follows the pages after first: cursor paging when the page
// names a next one (meta.page.next, whose page[after] is sent on the same
// host), page-number paging while meta.page.number·size < total.
func (c *Client) paginate(ctx context.Context, r Request, u *url.URL, q url.Values, res *Response, limit int64) (*Response, error) {
	items := &bytes.Buffer{}
	items.WriteByte('[')
	n, total := 0, 0
	add := func(body []byte) (pageEnvelope, error) {
		var pe pageEnvelope
		if err := json.Unmarshal(body, &pe); err != nil || pe.Data == nil {
			return pe, fmt.Errorf("--paginate: page %d of %s is not a Konnect listing (no data array)", res.Pages, res.URL)
		}
		for _, it := range pe.Data {
			if n > 0 {
				items.WriteByte(',')
			}
			items.Write(it)
			n++
		}
		if int64(items.Len()) > limit {
			return pe, fmt.Errorf("--paginate: the pages of %s together are over the %d-byte limit; narrow the listing with filters", res.URL, limit)
		}
		if pe.Meta.Page.Total != nil {
			total = int(*pe.Meta.Page.Total)
		}
		if r.Progress != nil {
			r.Progress(n, total)
		}
		return pe, nil
	}
	pe, err := add(res.Body)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for res.Pages < maxPages {
		next := url.Values{}
		for k, vs := range q {
			next[k] = vs
		}
		m := pe.Meta.Page
		switch {
		case m.Next != nil && *m.Next != "":
			after, err := cursorOf(*m.Next)
			if err != nil || after == "" || seen[after] {
				return finish(res, items), nil // nothing new to ask for
			}
			seen[after] = true
			next.Set("page[after]", after)
			next.Del("page[number]")
		case m.Next == nil && m.Number != nil && m.Total != nil && len(pe.Data) > 0:
			size := len(pe.Data)
			if m.Size != nil && *m.Size > 0 {
				size = int(*m.Size)
			}
			if *m.Number*size >= int(*m.Total) {
				return finish(res, items), nil
			}
			next.Set("page[number]", strconv.Itoa(*m.Number+1))
			if next.Get("page[size]") == "" {
				next.Set("page[size]", strconv.Itoa(size))
			}
		default:
			return finish(res, items), nil
		}
		pu := *u
		pu.RawQuery = encodeQuery(next)
		status, hdr, body, err := c.attempt(ctx, http.MethodGet, pu.String(), nil, r.Header, limit)
		if err != nil {
			return nil, err
		}
		res.Pages++
		if status < 200 || status > 299 {
			// A later page failed: say so with its answer, not with a
			// silently short list.
			return &Response{Status: status, Header: allowHeaders(hdr), Body: body, Pages: res.Pages, URL: res.URL}, nil
		}
		res.Header = allowHeaders(hdr)
		if pe, err = add(body); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("--paginate: stopped after %d pages of %s", maxPages, res.URL)
}

// cursorOf reads the page[after] value out of a meta.page.next URI.
func cursorOf(next string) (string, error) {
	u, err := url.Parse(next)
	if err != nil {
		return "", err
	}
	return u.Query().Get("page[after]"), nil
}

func finish(res *Response, items *bytes.Buffer) *Response {
	items.WriteByte(']')
	res.Body = items.Bytes()
	return res
}
