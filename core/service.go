package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/jq"
	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/konnect"
)

// ConfigSource is where profiles come from: a *config.Watcher in the
// daemon, a fixed file in tests.
type ConfigSource interface {
	Current() (*config.File, error)
}

// Options are the parts a Service is built from.
type Options struct {
	Config   ConfigSource
	Keychain keychain.Store // nil: no keychain at all (credentials from env/file only)
	// Index keeps what each stored entry holds (keychain.Record); nil:
	// entries are stored without records and cannot be listed.
	Index *keychain.Index
	JQ    *jq.Engine
	// HTTPClient carries Konnect requests; nil means konnect's default.
	HTTPClient *http.Client
	// Konnect tweaks every client (retries, concurrency); BaseURL and Token
	// are filled per request.
	Konnect konnect.Options
	Log     *slog.Logger
	Now     func() time.Time
}

// Service runs konnectd's operations.
type Service struct {
	cfg   ConfigSource
	keys  keychain.Store
	index *keychain.Index
	jq    *jq.Engine
	http  *http.Client
	kopt  konnect.Options
	log   *slog.Logger
	now   func() time.Time

	locks  accountLocks
	faults *testFaults

	watchMu     sync.Mutex
	watch       *ExpiryWatch
	revokerKick chan struct{}

	pendingOnce sync.Once
	pendingFile *pendingStore

	auditMu sync.Mutex
}

// New builds a Service.
func New(o Options) *Service {
	if o.JQ == nil {
		o.JQ = jq.New(jq.DefaultLimits())
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{cfg: o.Config, keys: o.Keychain, index: o.Index, jq: o.JQ, http: o.HTTPClient, kopt: o.Konnect, log: o.Log, now: o.Now}
}

// JQ is the service's jq engine.
func (s *Service) JQ() *jq.Engine { return s.jq }

// Caller is who a request comes from and what it asked for: the profile
// named in the request, the connection's default profile, the caller's own
// KONGCTL_* environment, and an explicit token if the request carried one.
type Caller struct {
	Profile        string
	DefaultProfile string
	Env            config.Env
	PAT            string
	// Face is where the answer is shown (FaceCLI, FaceVSCode, FaceMCP, or
	// FaceRPC for any other client), so messages name commands that exist
	// there.
	Face string
}

// ProfileName is the profile this caller means: request param > the
// connection's default > KONGCTL_PROFILE > "default".
func (c Caller) ProfileName() string {
	return config.SelectProfile(c.Profile, c.DefaultProfile, c.Env)
}

// Session is a resolved request context: the profile's settings, and a
// credential ready to use.
type Session struct {
	Profile    *config.Profile
	Credential *config.Credential
	BaseURL    string
	Warnings   []string
	client     *konnect.Client
}

// Client is the Konnect client for the session's profile and credential.
func (s *Session) Client() *konnect.Client { return s.client }

// profile resolves the caller's profile from the current config. An invalid
// config file that never loaded is an error; one that broke after loading
// keeps serving the last good profiles (the watcher's contract).
func (s *Service) profile(ctx context.Context, c Caller) (*config.Profile, *config.File, error) {
	f, err := s.cfg.Current()
	if f == nil {
		if err == nil {
			err = errors.New("no config loaded")
		}
		return nil, nil, &ProfileError{Err: err}
	}
	name := c.ProfileName()
	p, err := f.Profile(name, c.Env, func(profile string) bool { return s.hasKeychainEntry(ctx, profile) })
	if err != nil {
		return nil, f, &ProfileError{Err: err}
	}
	return p, f, nil
}

// Resolve finds the caller's profile and credential and builds a client,
// without calling Konnect.
func (s *Service) Resolve(ctx context.Context, c Caller) (*Session, error) {
	p, _, err := s.profile(ctx, c)
	if err != nil {
		return nil, err
	}
	sess := &Session{Profile: p}
	cred, err := p.Credential(c.PAT, s.keychainLookup(ctx, &sess.Warnings))
	if err != nil {
		var nt *config.NoTokenError
		if errors.As(err, &nt) {
			return nil, &AuthError{Profile: p.Name, Err: err}
		}
		return nil, err
	}
	if cred.Login != nil && cred.Login.Expired(s.now()) {
		return nil, &AuthError{Profile: p.Name, Err: fmt.Errorf("the kongctl login token for profile %q has expired; run 'kongctl login --profile %s' or store a PAT with 'konnectd login --profile %s'", p.Name, p.Name, p.Name)}
	}
	if cred.Source == config.SourceKeychain && s.keys != nil {
		// config only knows "the keychain"; the store knows the entry.
		cred.Where = s.keys.Where(keychain.ProfileAccount(p.Name))
	}
	sess.Credential = cred
	if sess.client, sess.BaseURL, err = s.client(p, cred.Token); err != nil {
		return nil, err
	}
	return sess, nil
}

// client builds a Konnect client for profile p with token.
func (s *Service) client(p *config.Profile, token string) (*konnect.Client, string, error) {
	base, err := p.BaseURL()
	if err != nil {
		return nil, "", &ProfileError{Err: err}
	}
	o := s.kopt
	o.BaseURL, o.Token = base, token
	if s.http != nil {
		o.HTTPClient = s.http
	}
	if o.Logger == nil {
		o.Logger = s.log
	}
	c, err := konnect.New(o)
	if err != nil {
		return nil, base, &ProfileError{Err: err}
	}
	return c, base, nil
}

// keychainLookup adapts the keychain to config's credential order. A
// missing entry is "nothing here"; a keychain that does not exist on this
// machine is too, with a warning; a locked or stuck keychain stops the
// request, because falling through would silently use another identity.
func (s *Service) keychainLookup(ctx context.Context, warnings *[]string) config.KeychainLookup {
	if s.keys == nil {
		return nil
	}
	return func(profile string) (string, error) {
		tok, err := s.keys.Get(ctx, keychain.ProfileAccount(profile))
		switch {
		case err == nil:
			return tok, nil
		case errors.Is(err, keychain.ErrNotFound):
			return "", nil
		case errors.Is(err, keychain.ErrUnavailable):
			*warnings = append(*warnings, err.Error())
			return "", nil
		}
		return "", err
	}
}

func (s *Service) hasKeychainEntry(ctx context.Context, profile string) bool {
	if s.keys == nil {
		return false
	}
	_, err := s.keys.Get(ctx, keychain.ProfileAccount(profile))
	return err == nil
}
