package rpc

import (
	"errors"
	"net"
	"net/url"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/output"
)

// Errors of the core and the packages below it, mapped to codes. Each data
// shape is documented in docs/protocol.md.
func init() {
	RegisterClassifier(func(err error) *Error {
		var (
			ve  *core.ValidationError
			pe  *core.ProfileError
			ae  *core.AuthError
			se  *core.StateError
			api *konnect.APIError
			ke  *keychain.Error
			up  *config.UnknownProfileError
			ue  *url.Error
			ne  net.Error
			le  *core.LookupError
			qe  *core.QuotaError
		)
		switch {
		case errors.As(err, &se):
			// secretIncluded is the flag a client checks: created.token is
			// the only copy of a live token's secret, to be kept.
			secret := false
			if t, ok := se.Created.(*core.TokenCreated); ok && t.Token != "" {
				secret = true
			}
			data := map[string]any{"step": se.Step, "state": se.State, "created": se.Created, "secretIncluded": secret}
			if se.Recovery != nil {
				data["recovery"] = se.Recovery
			}
			return &Error{Code: CodeOutcomeUnknown, Message: err.Error(), Data: data, Err: err, Secret: secret}
		case errors.Is(err, konnect.ErrOutcomeUnknown), errors.Is(err, konnect.ErrNoAnswer):
			return &Error{Code: CodeOutcomeUnknown, Message: err.Error(), Err: err}
		case errors.As(err, &qe):
			// Refused before the POST: the user is at Konnect's PAT limit.
			return &Error{Code: CodeValidation, Message: err.Error(), Data: map[string]any{"problems": []string{err.Error()}, "quota": qe.Quota}, Err: err}
		case errors.As(err, &ve):
			return &Error{Code: CodeValidation, Message: err.Error(), Data: map[string]any{"problems": ve.Problems}, Err: err}
		case errors.Is(err, output.ErrUsage):
			return &Error{Code: CodeValidation, Message: err.Error(), Data: map[string]any{"problems": []string{err.Error()}}, Err: err}
		case errors.As(err, &up):
			return &Error{Code: CodeProfile, Message: err.Error(), Data: map[string]any{"profile": up.Name, "available": up.Available}, Err: err}
		case errors.As(err, &pe):
			return &Error{Code: CodeProfile, Message: err.Error(), Err: err}
		case errors.As(err, &ae):
			return &Error{Code: CodeUnauthorized, Message: err.Error(), Data: map[string]any{"profile": ae.Profile}, Err: err}
		case errors.As(err, &api):
			code := int64(CodeKonnect)
			if api.Status == 401 {
				code = CodeUnauthorized
			}
			return &Error{Code: code, Message: err.Error(), Data: map[string]any{
				"status": api.Status, "title": api.Title, "detail": api.Detail, "instance": api.Instance,
				"invalid_parameters": api.InvalidParameters,
			}, Err: err}
		case errors.As(err, &le):
			// A name that matched nothing or too much: Konnect answered,
			// just not with one object. kind: not_found, ambiguous, no_id.
			return &Error{Code: CodeKonnect, Message: err.Error(), Data: map[string]any{"lookup": le.Kind}, Err: err}
		case errors.As(err, &ue), errors.As(err, &ne):
			// Konnect could not be reached at all: DNS, refused, TLS, timeout.
			return &Error{Code: CodeKonnect, Message: err.Error(), Data: map[string]any{"status": 0}, Err: err}
		case errors.As(err, &ke):
			kind := "error"
			for name, sentinel := range map[string]error{"not_found": keychain.ErrNotFound, "locked": keychain.ErrLocked, "unavailable": keychain.ErrUnavailable, "timeout": keychain.ErrTimeout, "too_large": keychain.ErrTooLarge} {
				if errors.Is(err, sentinel) {
					kind = name
				}
			}
			return &Error{Code: CodeKeychain, Message: err.Error(), Data: map[string]any{"kind": kind}, Err: err}
		}
		return nil
	})
}
