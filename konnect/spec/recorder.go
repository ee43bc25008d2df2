package spec

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
)

// Recorder collects violations from a validating transport or middleware.
// It is safe for concurrent use.
type Recorder struct {
	docs *Docs
	mu   sync.Mutex
	v    []string
}

// NewRecorder loads the documents and returns an empty recorder.
func NewRecorder() (*Recorder, error) {
	d, err := Load()
	if err != nil {
		return nil, err
	}
	return &Recorder{docs: d}, nil
}

// Violations returns every violation recorded so far, oldest first.
func (r *Recorder) Violations() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.v...)
}

func (r *Recorder) add(err error) {
	if err == nil {
		return
	}
	r.mu.Lock()
	r.v = append(r.v, err.Error())
	r.mu.Unlock()
}

// Check validates one exchange and records what is wrong with it.
func (r *Recorder) Check(x Exchange) {
	ctx := x.Request.Context()
	if err := r.docs.ValidateRequest(ctx, x.Request, x.RequestBody); err != nil {
		r.add(err)
		return // a response to an invalid request has nothing to be held to
	}
	r.add(r.docs.ValidateResponse(ctx, x))
}

// Transport wraps base (nil means http.DefaultTransport) so that every
// request it carries and every response it gets back is validated. The
// traffic itself is passed on untouched.
func (r *Recorder) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			b, err := io.ReadAll(req.Body)
			req.Body.Close()
			if err != nil {
				return nil, err
			}
			body = b
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		resp, err := base.RoundTrip(req)
		if err != nil {
			// Still hold the request to the spec: a dropped connection
			// must not hide a malformed request.
			r.add(r.docs.ValidateRequest(req.Context(), req, body))
			return nil, err
		}
		rb, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(rb))
		if rerr != nil {
			return resp, nil // the caller sees the short body and its own error
		}
		r.Check(Exchange{Request: req, RequestBody: body, Status: resp.StatusCode, Header: resp.Header, ResponseBody: rb})
		return resp, nil
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Middleware validates every request next receives and every response it
// writes. Responses are buffered, so it suits tests and emulators, not
// streaming servers.
func (r *Recorder) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, req)
		res := rec.Result()
		rb := rec.Body.Bytes()
		r.Check(Exchange{Request: req, RequestBody: body, Status: res.StatusCode, Header: res.Header, ResponseBody: rb})
		for k, vs := range res.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(res.StatusCode)
		w.Write(rb)
	})
}
