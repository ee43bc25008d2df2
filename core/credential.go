package core

import (
	"context"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/keychain"
)

// Grant is a credential handed to a local process that asked for it
// (konnectd exec / env). It is the only answer of the daemon that carries
// a stored secret, and it goes only to peers that passed the socket's uid
// check.
type Grant struct {
	Profile string `json:"profile"`
	Token   string `json:"token"`
	Source  string `json:"source"`
	Where   string `json:"where,omitempty"`
}

// Credential resolves the caller's profile credential without calling
// Konnect: exec must work offline, and the tool it runs will find out soon
// enough if the token is bad.
func (s *Service) Credential(ctx context.Context, c Caller) (*Grant, error) {
	sess, err := s.Resolve(ctx, c)
	if err != nil {
		return nil, err
	}
	ev := AuditEvent{Event: "hand-out", What: "auth/credential", Profile: sess.Profile.Name, Detail: "source " + string(sess.Credential.Source)}
	if sess.Credential.Source == config.SourceKeychain {
		ev.Account = keychain.ProfileAccount(sess.Profile.Name)
		if rec, ok := s.CredentialRecord(ctx, sess.Profile.Name); ok {
			ev.Kind, ev.TokenID = rec.Kind, rec.TokenID
		}
	}
	s.audit(ctx, ev)
	return &Grant{
		Profile: sess.Profile.Name,
		Token:   sess.Credential.Token,
		Source:  string(sess.Credential.Source),
		Where:   sess.Credential.Where,
	}, nil
}
