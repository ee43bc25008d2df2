package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/jq"
	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/konnect"
)

// ConfigSource is where profiles come from: a *config.Set in the daemon,
// a fixed file in tests.
type ConfigSource interface {
	Current() (*config.File, error)
}

// ConfigFiles is a ConfigSource that serves any config file a caller
// names, each with its own state (config.Set). Without it only the one
// file is served and a caller naming another gets an error, never the
// wrong profiles.
type ConfigFiles interface {
	ConfigSource
	// State is the file at path ("" for the source's own file).
	State(path string) (config.State, error)
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
// KONGCTL_* environment, an explicit token if the request carried one, and
// the config file it uses.
type Caller struct {
	Profile        string
	DefaultProfile string
	Env            config.Env
	// PAT, BaseURL and Region are kongctl's --pat, --base-url and --region
	// for this one request: they win over the profile's (flag > env >
	// config, as in kongctl) and change nothing the daemon keeps.
	PAT     string
	BaseURL string
	Region  string
	// Face is where the answer is shown (FaceCLI, FaceVSCode, FaceMCP, or
	// FaceRPC for any other client), so messages name commands that exist
	// there.
	Face string
	// ConfigFile is the absolute path of the caller's config file; ""
	// means the daemon's own.
	ConfigFile string
}

// baseURL is kongctl's resolution with this request's flags on top: any
// base URL (flag, env or config) wins over any region, then the default.
// The host allow-list is konnect.New's and applies to all of them.
func (c Caller) baseURL(p *config.Profile) (string, error) {
	if b := strings.TrimSpace(c.BaseURL); b != "" {
		return b, nil
	}
	if u, ok := p.String(config.KeyBaseURL); ok && strings.TrimSpace(u) != "" {
		return strings.TrimSpace(u), nil
	}
	if strings.TrimSpace(c.Region) != "" {
		return config.RegionURL(c.Region)
	}
	return p.BaseURL()
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
	// ConfigWarning is set when the config file is invalid and its last
	// good content is in use (see configWarning).
	ConfigWarning string
	client        *konnect.Client
	// keychainErr is the keychain's answer when it could not be asked
	// (ErrUnavailable) and the credential search went on without it.
	keychainErr error
}

// Client is the Konnect client for the session's profile and credential.
func (s *Session) Client() *konnect.Client { return s.client }

// profile resolves the caller's profile from the current config. An invalid
// config file that never loaded is an error; one that broke after loading
// keeps serving the last good profiles (the watcher's contract).
func (s *Service) profile(ctx context.Context, c Caller) (*config.Profile, *config.File, error) {
	f, _, err := s.configFile(c)
	if err != nil {
		return nil, nil, err
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
	sess, err := s.resolve(ctx, c)
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// resolve is Resolve that also returns what it learnt before an error
// (the profile, the keychain's state), for Status to explain it.
func (s *Service) resolve(ctx context.Context, c Caller) (*Session, error) {
	p, _, err := s.profile(ctx, c)
	if err != nil {
		return nil, err
	}
	sess := &Session{Profile: p}
	_, sess.ConfigWarning, _ = s.configFile(c)
	cred, err := p.Credential(c.PAT, s.keychainLookup(ctx, &sess.Warnings, &sess.keychainErr))
	if err != nil {
		var nt *config.NoTokenError
		if errors.As(err, &nt) {
			if sess.keychainErr != nil {
				err = &KeychainUnreachableError{Profile: p.Name, Keychain: sess.keychainErr.Error(), Err: nt}
			}
			return sess, &AuthError{Profile: p.Name, Err: err}
		}
		return sess, err
	}
	if cred.Login != nil && cred.Login.Expired(s.now()) {
		sess.Credential = cred
		return sess, &AuthError{Profile: p.Name, Err: fmt.Errorf("the kongctl login token for profile %q has expired; run 'kongctl login --profile %s' or store a PAT with 'konnectd login --profile %s'", p.Name, p.Name, p.Name)}
	}
	if cred.Source == config.SourceKeychain && s.keys != nil {
		// config only knows "the keychain"; the store knows the entry.
		cred.Where = s.keys.Where(keychain.ProfileAccount(p.Name))
	}
	sess.Credential = cred
	base, err := c.baseURL(p)
	if err != nil {
		return nil, &ProfileError{Err: err}
	}
	if sess.client, sess.BaseURL, err = s.clientAt(p, base, cred.Token); err != nil {
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
	return s.clientAt(p, base, token)
}

// clientAt builds a Konnect client for profile p at base with token.
func (s *Service) clientAt(p *config.Profile, base, token string) (*konnect.Client, string, error) {
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
// unavailable, when not nil, receives the keychain's error in that case.
func (s *Service) keychainLookup(ctx context.Context, warnings *[]string, unavailable *error) config.KeychainLookup {
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
			if unavailable != nil {
				*unavailable = err
			}
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
