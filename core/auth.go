package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/konnect"
)

// LoginResult is auth/login's answer.
type LoginResult struct {
	Profile      string                `json:"profile"`
	Kind         string                `json:"kind"` // pat, spat or token
	User         *konnect.User         `json:"user,omitempty"`
	Organization *konnect.Organization `json:"organization,omitempty"`
	Stored       string                `json:"stored"` // keychain kind: system or file
	// Replaced is set when the profile's entry already held a secret:
	// login replaces it (that is what logging in again means), and says
	// which token it was.
	Replaced *Replaced `json:"replaced,omitempty"`
}

// tokenKind tells a PAT from a SPAT by its documented prefix; anything
// else (a login JWT) is just a token.
func tokenKind(tok string) string {
	switch {
	case strings.HasPrefix(tok, "kpat_"):
		return "pat"
	case strings.HasPrefix(tok, "spat_"):
		return "spat"
	}
	return "token"
}

// Login checks token against Konnect (users/me for a PAT, organizations/me
// for a SPAT, which users/me refuses) and stores it in the keychain as the
// profile's credential. A token Konnect rejects is not stored.
func (s *Service) Login(ctx context.Context, c Caller, token string) (*LoginResult, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, invalid("a token is required")
	}
	if s.keys == nil {
		return nil, errNoKeychain
	}
	p, err := s.loginProfile(ctx, c)
	if err != nil {
		return nil, err
	}
	kc, _, err := s.client(p, token)
	if err != nil {
		return nil, err
	}
	res := &LoginResult{Profile: p.Name, Kind: tokenKind(token), Stored: s.keys.Kind()}
	if res.Kind != "spat" {
		if res.User, err = kc.Me(ctx); err != nil {
			return nil, err
		}
	}
	if res.Organization, err = kc.Organization(ctx); err != nil {
		return nil, err
	}
	res.Replaced = s.occupant(ctx, keychain.ProfileAccount(p.Name))
	if err := s.keys.Set(ctx, keychain.ProfileAccount(p.Name), token); err != nil {
		return nil, err
	}
	rec := loginRecord(keychain.ProfileAccount(p.Name), p.Name, res.Kind, keychain.SourceLogin, res.User)
	s.matchLogin(ctx, kc, &rec)
	s.record(ctx, rec)
	s.log.Info("stored credential", "profile", p.Name, "kind", res.Kind, "keychain", s.keys.Kind())
	return res, nil
}

// loginProfile is the profile a login is for. Logging in is how a profile
// comes to exist for konnectd, so an unknown name is accepted here (kongctl
// does the same with "kongctl login --profile new").
func (s *Service) loginProfile(ctx context.Context, c Caller) (*config.Profile, error) {
	f, _, err := s.configFile(c)
	if err != nil {
		return nil, err
	}
	name := c.ProfileName()
	p, err := f.Profile(name, c.Env, func(string) bool { return true })
	if err != nil {
		return nil, &ProfileError{Err: err}
	}
	return p, nil
}

// LogoutResult is auth/logout's answer, with kongctl's message.
type LogoutResult struct {
	Profile string `json:"profile"`
	Removed bool   `json:"removed"`
	Message string `json:"message"`
	// Revoked, with revoke, says what became of the token in Konnect.
	Revoked string `json:"revoked,omitempty"`
}

// Logout removes the profile's credential from the keychain. Other sources
// (env, the config file, kongctl's token file) are the user's and stay.
func (s *Service) Logout(ctx context.Context, c Caller) (*LogoutResult, error) {
	return s.LogoutRevoke(ctx, c, false)
}

// LogoutRevoke is Logout that, with revoke, first revokes the profile's
// token in Konnect (when konnectd knows its id); a revocation that fails
// leaves the entry where it is.
func (s *Service) LogoutRevoke(ctx context.Context, c Caller, revoke bool) (*LogoutResult, error) {
	if s.keys == nil {
		return nil, errNoKeychain
	}
	name := c.ProfileName()
	var revoked string
	if revoke {
		var err error
		if revoked, err = s.logoutRevoke(ctx, name); err != nil {
			return nil, err
		}
	}
	err := s.keys.Delete(ctx, keychain.ProfileAccount(name))
	if (err == nil || errors.Is(err, keychain.ErrNotFound)) && s.index != nil {
		if ierr := s.index.Delete(ctx, keychain.ProfileAccount(name)); ierr != nil {
			s.log.Warn("keychain index not updated", "account", keychain.ProfileAccount(name), "error", ierr)
		}
	}
	switch {
	case err == nil:
		s.Kick()
		return &LogoutResult{Profile: name, Removed: true, Revoked: revoked, Message: fmt.Sprintf("Removed stored Konnect credentials for profile %q", name)}, nil
	case errors.Is(err, keychain.ErrNotFound):
		return &LogoutResult{Profile: name, Message: fmt.Sprintf("No stored Konnect credentials found for profile %q", name)}, nil
	}
	return nil, err
}

// AuthStatus is auth/status's answer.
type AuthStatus struct {
	Profile       string `json:"profile"`
	Authenticated bool   `json:"authenticated"`
	// State tells the failures apart: authenticated, no_credential,
	// rejected (Konnect answered 401), unreachable (Konnect could not be
	// reached, so the token is untested), keychain_unavailable (no
	// credential found, and the keychain could not be asked), expired (a
	// kongctl login token past its expiry) or error (Konnect answered
	// with another error).
	State  string `json:"state"`
	Source string `json:"source,omitempty"` // param, env, keychain, config-file, login-token
	Where  string `json:"where,omitempty"`
	// Konnect is where the token is checked: the identity API's root.
	Konnect string `json:"konnect,omitempty"`
	// Problem says in one line why the profile is not authenticated, and
	// Hint what to do about it (the command to run for this profile).
	Problem  string `json:"problem,omitempty"`
	Hint     string `json:"hint,omitempty"`
	Keychain string `json:"keychain,omitempty"` // system, file, or "" when none
	// KeychainError is set when the keychain could not be asked (no
	// D-Bus session bus, no Secret Service): "konnectd login" cannot
	// work until it can.
	KeychainError string `json:"keychainError,omitempty"`
	// Stored is konnectd's record of a keychain credential: which Konnect
	// token it is (token_id, empty when it came from login), its expiry,
	// how it got there.
	Stored *keychain.Record `json:"stored,omitempty"`
	// DaysLeft is whole days until the stored credential expires, when
	// its expiry is known (see the expiry watch).
	DaysLeft *int `json:"daysLeft,omitempty"`
	// PATs is how many personal access tokens the user holds, of the
	// MaxPATs Konnect allows (a PAT credential only).
	PATs         *PATQuota             `json:"pats,omitempty"`
	User         *konnect.User         `json:"user,omitempty"`
	Organization *konnect.Organization `json:"organization,omitempty"`
	Warnings     []string              `json:"warnings"`
}

// Status says whether the caller's profile has a working credential, where
// it comes from, and what is risky about it. Failures to reach Konnect are
// not errors here: status must answer even when Konnect cannot, and say
// which failure it is (see AuthStatus.State).
func (s *Service) Status(ctx context.Context, c Caller) (*AuthStatus, error) {
	st := &AuthStatus{Profile: c.ProfileName(), Warnings: []string{}}
	if s.keys != nil {
		st.Keychain = s.keys.Kind()
		if s.keys.Kind() == keychain.KindFile {
			st.Warnings = append(st.Warnings, "credentials are stored in a plaintext file (--keychain=file), not in the OS keychain")
		}
	} else {
		st.Warnings = append(st.Warnings, "no keychain is configured: credentials can only come from the environment or the config file")
	}
	if _, w, _ := s.configFile(c); w != "" {
		st.Warnings = append(st.Warnings, w)
	}
	sess, err := s.resolve(ctx, c)
	if sess != nil && sess.keychainErr != nil {
		st.KeychainError = sess.keychainErr.Error()
		st.Warnings = append(st.Warnings, st.KeychainError)
	}
	if err != nil {
		var ae *AuthError
		if !errors.As(err, &ae) {
			return nil, err
		}
		st.Profile = sess.Profile.Name
		if sess.Credential != nil {
			st.Source, st.Where = string(sess.Credential.Source), sess.Credential.Where
			st.State, st.Problem = "expired", err.Error()
			return st, nil
		}
		noCredential(st, s.keys != nil)
		return st, nil
	}
	st.Profile = sess.Profile.Name
	st.Source, st.Where = string(sess.Credential.Source), sess.Credential.Where
	if sess.Credential.Source == config.SourceKeychain {
		if rec, ok := s.CredentialRecord(ctx, sess.Profile.Name); ok {
			st.Stored = &rec
			if d, ok := DaysLeft(rec.ExpiresAt, s.now()); ok {
				st.DaysLeft = &d
			}
		}
	}
	st.Konnect = sess.client.IdentityURL()
	for _, w := range sess.Warnings {
		if w != st.KeychainError {
			st.Warnings = append(st.Warnings, w)
		}
	}
	if sess.Credential.Plaintext {
		st.Warnings = append(st.Warnings, fmt.Sprintf("the token is stored in plaintext in the config file (%s); run 'konnectd auth import' (konnectd call auth/import) to move it into the keychain", sess.Credential.Where))
	}
	kind := tokenKind(sess.Credential.Token)
	if kind != "spat" {
		st.User, err = sess.client.Me(ctx)
	}
	if err == nil {
		st.Organization, err = sess.client.Organization(ctx)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		checkFailed(st, err)
		return st, nil
	}
	st.State = "authenticated"
	st.Authenticated = true
	if st.User != nil && st.User.ID != "" {
		if q, err := s.patQuota(ctx, sess, st.User.ID, c.Face); err == nil {
			st.PATs = q
			if q.Advice != "" {
				st.Warnings = append(st.Warnings, q.Advice)
			}
		}
	}
	return st, nil
}

// ImportResult is auth/import's answer.
type ImportResult struct {
	Replaced *Replaced `json:"replaced,omitempty"` // what the profile's entry held before, if anything

	Profile string `json:"profile"`
	From    string `json:"from"`  // config-file or login-token
	Where   string `json:"where"` // the file (and line) the token came from
	Hint    string `json:"hint"`  // what the user should remove by hand
	Expires string `json:"expires,omitempty"`
}

// Import copies a plaintext credential (konnect.pat in the config file, or
// kongctl's login token file) into the keychain. The user's files are never
// written: the answer says what to remove.
func (s *Service) Import(ctx context.Context, c Caller) (*ImportResult, error) {
	if s.keys == nil {
		return nil, errNoKeychain
	}
	p, _, err := s.profile(ctx, c)
	if err != nil {
		return nil, err
	}
	// Skip the keychain (and env) on purpose: import is about the files.
	cred, err := p.Credential("", nil)
	if err != nil {
		return nil, &AuthError{Profile: p.Name, Err: fmt.Errorf("nothing to import for profile %q: no konnect.pat in the config file and no kongctl login token", p.Name)}
	}
	res := &ImportResult{Profile: p.Name, From: string(cred.Source), Where: cred.Where}
	switch cred.Source {
	case config.SourceFile:
		res.Hint = fmt.Sprintf("the token is now in the keychain; remove the konnect.pat line of profile %q from %s", p.Name, cred.Where)
	case config.SourceLoginToken:
		res.Hint = fmt.Sprintf("the login token is now in the keychain; delete %s with 'kongctl logout --profile %s' if you no longer need it", cred.Where, p.Name)
		if cred.Login != nil {
			exp := cred.Login.ExpiresAt()
			res.Expires = exp.UTC().Format(time.RFC3339)
			if cred.Login.Expired(s.now()) {
				return nil, &AuthError{Profile: p.Name, Err: fmt.Errorf("the kongctl login token in %s has expired; nothing imported", cred.Where)}
			}
		}
	default:
		return nil, &AuthError{Profile: p.Name, Err: fmt.Errorf("profile %q takes its token from %s (%s), not from a file; nothing to import", p.Name, cred.Source, cred.Where)}
	}
	res.Replaced = s.occupant(ctx, keychain.ProfileAccount(p.Name))
	if err := s.keys.Set(ctx, keychain.ProfileAccount(p.Name), cred.Token); err != nil {
		return nil, err
	}
	rec := loginRecord(keychain.ProfileAccount(p.Name), p.Name, tokenKind(cred.Token), keychain.SourceImported, nil)
	rec.ExpiresAt = res.Expires
	s.record(ctx, rec)
	return res, nil
}

// loginRecord is the index record of a credential konnectd did not
// create: Konnect does not tell a token's holder its id, so TokenID stays
// empty (unknown); a PAT's user is known once users/me answered.
func loginRecord(account, profile, kind, source string, u *konnect.User) keychain.Record {
	r := keychain.Record{Account: account, Kind: kind, Profile: profile, Source: source}
	if u != nil {
		r.UserID = u.ID
	}
	return r
}
