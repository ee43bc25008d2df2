package konnect

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"
)

// Retry is one retry about to happen: the request failed (Reason) and will
// be sent again after Wait. Attempt counts retries from 1 to Max.
type Retry struct {
	Op      string // kongctl's phrase for the operation, "Failed to get current user"
	Host    string // where the request went, scheme://host
	Attempt int
	Max     int
	Wait    time.Duration
	Reason  string // redacted: a transport error or "503 Service Unavailable"
}

// String is the retry in one line for a person.
func (r Retry) String() string {
	return fmt.Sprintf("%s: %s; retry %d of %d in %s", r.Host, r.Reason, r.Attempt, r.Max, r.Wait.Round(time.Millisecond))
}

type retryHookKey struct{}

// WithRetryHook returns ctx carrying fn, which hears every retry of the
// requests made with ctx, just before the wait. It lets a caller show
// retries as they happen ($/progress) instead of a silent pause of
// seconds. fn must not block.
func WithRetryHook(ctx context.Context, fn func(Retry)) context.Context {
	return context.WithValue(ctx, retryHookKey{}, fn)
}

func retryHook(ctx context.Context) func(Retry) {
	fn, _ := ctx.Value(retryHookKey{}).(func(Retry))
	return fn
}

// Unreachable reports whether err means Konnect was never heard from: the
// connection could not be made or broke (refused, DNS, TLS, a timeout, a
// reset), as opposed to an answer Konnect gave (an *APIError) or a
// request the caller cancelled.
func Unreachable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var (
		api     *APIError
		netErr  net.Error
		opErr   *net.OpError
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		recErr  tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &api):
		return false
	case errors.As(err, &opErr), errors.As(err, &dnsErr), errors.As(err, &netErr),
		errors.As(err, &certErr), errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &recErr):
		return true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, context.DeadlineExceeded):
		return true
	}
	return false
}
