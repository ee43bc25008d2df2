package konnect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/internal/version"
)

// Options configure a Client. Only BaseURL and Token are required.
type Options struct {
	// BaseURL is the profile's resolved base URL (see ResolveBaseURL).
	BaseURL string
	// Token is the bearer credential: a PAT, a SPAT or a login JWT.
	Token string
	// HTTPClient carries the requests. Nil means a client with keep-alive
	// and a 30 s overall timeout per request. Its CheckRedirect is replaced
	// so a redirect cannot carry the credential to an untrusted host.
	HTTPClient *http.Client
	// MaxRetries bounds the retries of one request; 0 means 4, negative
	// means none.
	MaxRetries int
	// MinBackoff and MaxBackoff bound the wait between retries, including
	// a Retry-After the server asks for. Zero means 250 ms and 10 s.
	MinBackoff, MaxBackoff time.Duration
	// Concurrency bounds the pages fetched at once; 0 means 4 and 1 makes
	// paging sequential.
	Concurrency int
	// Logger gets one debug line per attempt; nil means silence.
	Logger *slog.Logger
	// UserAgent defaults to konnectd/<version>.
	UserAgent string
	// CallTimeout bounds one operation, all its attempts and the waits
	// between them together; 0 means DefaultCallTimeout and negative means
	// no bound beyond the caller's context. Without it a stalled Konnect
	// held a GET for 1 + 4 retries × the 20 s header timeout.
	CallTimeout time.Duration
}

// DefaultCallTimeout is Options.CallTimeout's default (serve's
// --konnect-timeout).
const DefaultCallTimeout = 30 * time.Second

// Client calls Konnect's Identity v3 API with one credential. It is safe
// for concurrent use.
type Client struct {
	ep          endpoints
	token       string
	hc          *http.Client
	maxRetries  int
	minBackoff  time.Duration
	maxBackoff  time.Duration
	concurrency int
	log         *slog.Logger
	ua          string
	callTimeout time.Duration
}

// New checks the base URL and returns a client. It refuses, before any
// request, a base URL a credential must not reach.
func New(o Options) (*Client, error) {
	if o.Token == "" {
		return nil, errors.New("konnect client: no token")
	}
	// The credential is a secret however it was resolved (keychain, env,
	// config file, login token file, a request's param): no error or log
	// line may carry it or a transform of it.
	redact.Register(o.Token)
	ep, err := resolveEndpoints(o.BaseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{ep: ep, token: o.Token, maxRetries: o.MaxRetries, minBackoff: o.MinBackoff,
		maxBackoff: o.MaxBackoff, concurrency: o.Concurrency, log: o.Logger, ua: o.UserAgent, callTimeout: o.CallTimeout}
	if c.callTimeout == 0 {
		c.callTimeout = DefaultCallTimeout
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = 4
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.minBackoff <= 0 {
		c.minBackoff = 250 * time.Millisecond
	}
	if c.maxBackoff <= 0 {
		c.maxBackoff = 10 * time.Second
	}
	if c.maxBackoff < c.minBackoff {
		c.maxBackoff = c.minBackoff
	}
	if c.concurrency <= 0 {
		c.concurrency = 4
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.ua == "" {
		c.ua = version.UserAgent()
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second, Transport: defaultTransport()}
	}
	copied := *hc
	copied.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("stopped after 5 redirects")
		}
		return trusted(req.URL)
	}
	c.hc = &copied
	return c, nil
}

func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16 // parallel paging reuses its connections
	t.ResponseHeaderTimeout = 20 * time.Second
	return t
}

// IdentityURL is the root identity calls go to.
func (c *Client) IdentityURL() string { return c.ep.identity.String() }

// call is one operation.
type call struct {
	op     string // kongctl's phrase: "Failed to list organization users"
	method string
	path   string // under /v3, already escaped
	query  url.Values
	body   any
	// creates marks a POST that mints a token or an account: never
	// retried once it may have reached the server.
	creates  bool
	regional bool // goes to the profile's base URL, not the identity host
}

// do runs one call, with retries, and decodes a 2xx body into out.
func (c *Client) do(ctx context.Context, k call, out any) error {
	if c.callTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, c.callTimeout, errCallTimeout)
		defer cancel()
	}
	err := c.attempts(ctx, k, out)
	if err != nil && errors.Is(context.Cause(ctx), errCallTimeout) && errors.Is(err, context.DeadlineExceeded) {
		// The bound, not the caller, ended the call: say so in Konnect's
		// terms instead of "context deadline exceeded".
		return fmt.Errorf("%s: %w", k.op, &TimeoutError{After: c.callTimeout})
	}
	return err
}

// errCallTimeout is the cause of a context ended by Options.CallTimeout.
var errCallTimeout = errors.New("konnect call timeout")

// TimeoutError is an operation Konnect did not finish answering within
// Options.CallTimeout, retries included. It is a net.Error whose Timeout
// is true, like any other way of not reaching Konnect.
type TimeoutError struct{ After time.Duration }

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("Konnect did not answer within %s (the bound on one call, retries included; serve --konnect-timeout sets it)", e.After)
}
func (e *TimeoutError) Timeout() bool   { return true }
func (e *TimeoutError) Temporary() bool { return false }

// attempts is do's loop: one request and its retries.
func (c *Client) attempts(ctx context.Context, k call, out any) error {
	root := c.ep.identity
	if k.regional {
		root = c.ep.regional
	}
	u := *root
	u.Path = root.Path + "/v3" + k.path
	u.RawQuery = encodeQuery(k.query)
	var body []byte
	if k.body != nil {
		b, err := json.Marshal(k.body)
		if err != nil {
			return fmt.Errorf("%s: encode request: %w", k.op, err)
		}
		body = b
	}
	retryable := k.method == http.MethodGet
	for attempt := 0; ; attempt++ {
		status, header, respBody, err := c.send(ctx, k.method, u.String(), body)
		if err != nil {
			// A request that never left (no connection) may be retried
			// whatever it is; one that may have been received may not,
			// unless it is a read. A create that may have been received
			// may exist, however its answer was lost: the caller's
			// cancellation and the call's bound included.
			sent := !isDialError(err)
			if k.creates && sent {
				return outcomeUnknown(k.op, lostAnswer(ctx, err))
			}
			if ctx.Err() != nil {
				return fmt.Errorf("%s: %w", k.op, ctx.Err())
			}
			if (retryable || !sent) && attempt < c.maxRetries {
				if werr := c.wait(ctx, k.op, &u, attempt, "", err.Error()); werr != nil {
					return fmt.Errorf("%s: %w", k.op, werr)
				}
				continue
			}
			return fmt.Errorf("%s: %w", k.op, redact.Error(err))
		}
		if status >= 200 && status < 300 {
			if out == nil || len(respBody) == 0 {
				return nil
			}
			if err := decode(respBody, out); err != nil {
				if k.creates {
					// Konnect created it, but what it answered (the only copy
					// of a token's secret) cannot be read: the caller must
					// treat it as a create whose outcome it does not know.
					return outcomeUnknown(k.op, fmt.Sprintf("Konnect answered %d but the answer could not be read (%v)", status, redact.Error(err)))
				}
				return fmt.Errorf("%s: decode response: %w", k.op, err)
			}
			return nil
		}
		// 429 says the request was turned away before it was processed,
		// so even a create may be sent again. Any other 4xx says it was
		// refused. Anything else to a create (a 5xx from a gateway whose
		// upstream committed, a stray 3xx) leaves it unknown: never
		// retried, never "failed".
		again := retryableStatus(status) && (retryable || status == http.StatusTooManyRequests)
		if again && attempt < c.maxRetries {
			if werr := c.wait(ctx, k.op, &u, attempt, header.Get("Retry-After"), fmt.Sprintf("%d %s", status, http.StatusText(status))); werr != nil {
				return fmt.Errorf("%s: %w", k.op, werr)
			}
			continue
		}
		if k.creates && (status < 400 || status >= 500) {
			return outcomeUnknown(k.op, fmt.Sprintf("Konnect answered %d %s", status, http.StatusText(status)))
		}
		return apiError(k.op, status, respBody)
	}
}

// outcomeUnknown is a create whose answer was lost or unusable; cause says
// how, in words, before the advice ErrOutcomeUnknown gives.
func outcomeUnknown(op, cause string) error {
	return fmt.Errorf("%s: %s; %w", op, cause, ErrOutcomeUnknown)
}

// lostAnswer says why a sent request has no answer.
func lostAnswer(ctx context.Context, err error) string {
	switch {
	case errors.Is(context.Cause(ctx), errCallTimeout):
		return "Konnect did not answer in time"
	case ctx.Err() != nil:
		return "the request was cancelled before Konnect answered"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection closed before Konnect answered"
	}
	return fmt.Sprintf("no answer came back (%v)", redact.Error(err))
}

func (c *Client) send(ctx context.Context, method, target string, body []byte) (int, http.Header, []byte, error) {
	return c.sendWith(ctx, method, target, body, nil, maxBody)
}

// sendWith is send with extra headers (set after the defaults, so a
// caller may replace Accept or Content-Type but never Authorization, which
// Request refuses) and a body cap.
func (c *Client) sendWith(ctx context.Context, method, target string, body []byte, extra http.Header, limit int64) (int, http.Header, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.ua)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range extra {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.log.DebugContext(ctx, "konnect request failed", "method", method, "path", req.URL.Path, "err", redact.Error(err))
		return 0, nil, nil, unwrapURLError(err)
	}
	defer resp.Body.Close()
	b, err := readBody(resp, limit)
	c.log.DebugContext(ctx, "konnect request", "method", method, "path", req.URL.Path, "status", resp.StatusCode, "took", time.Since(start))
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, b, nil
}

// maxBody bounds a response body.
const maxBody = 64 << 20

// ErrBodyTooLarge is a response body over the caller's cap.
var ErrBodyTooLarge = errors.New("the response is over the size limit")

// readBody reads a response body, at most limit bytes, into one buffer
// of its Content-Length when it has one: io.ReadAll alone starts at 512
// bytes and regrows about ten times for a 26 KB page. At limit maxBody a
// longer body is cut short, as it always was; under a smaller limit (a
// generic request's) it is ErrBodyTooLarge.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	if n := resp.ContentLength; n > 0 && n <= limit {
		b := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	if limit >= maxBody {
		return io.ReadAll(io.LimitReader(resp.Body, maxBody))
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err == nil && int64(len(b)) > limit {
		return nil, fmt.Errorf("%w of %d bytes", ErrBodyTooLarge, limit)
	}
	return b, err
}

// unwrapURLError drops *url.Error's quoting of the full URL: the message
// stays short and the cause stays visible to errors.As.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func retryableStatus(s int) bool {
	switch s {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// rawBody, as a call's out, receives the response body undecoded.
type rawBody []byte

// decode unmarshals body into out and, where out keeps one, its raw form.
func decode(body []byte, out any) error {
	if rb, ok := out.(*rawBody); ok {
		*rb = body
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return err
	}
	if rs, ok := out.(rawSetter); ok {
		rs.setRaw(append(json.RawMessage(nil), body...))
	}
	return nil
}
