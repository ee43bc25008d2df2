package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/output"
)

// Token kinds, as kongctl names them.
const (
	KindPAT  = "pat"
	KindSPAT = "spat"
)

// StoreTarget asks for a new token to go into the keychain instead of the
// answer: as a profile's credential (Profile) or under a name (Name). An
// entry that is already taken is refused before anything is created,
// unless Replace is set (or, for token/rotate, the entry holds the token
// being rotated).
type StoreTarget struct {
	Profile string `json:"profile,omitempty"`
	Name    string `json:"name,omitempty"`
	Replace bool   `json:"replace,omitempty"`
}

// Stored says where a token went.
type Stored struct {
	Keychain string    `json:"keychain"`           // system or file
	Account  string    `json:"account"`            // the keychain account, e.g. token:deploy-bot
	Replaced *Replaced `json:"replaced,omitempty"` // what the entry held before, when replace was asked for
}

// AccountRef names a system account by id or by name (resolved with
// filter[name][eq]); exactly one is needed.
type AccountRef struct {
	SystemAccountID   string `json:"systemAccountId,omitempty"`
	SystemAccountName string `json:"systemAccountName,omitempty"`
}

// Expiry is a token's lifetime: exactly one of ExpiresIn (kongctl's
// duration) and ExpiresAt (RFC 3339).
type Expiry struct {
	ExpiresIn string `json:"expiresIn,omitempty"`
	ExpiresAt string `json:"expiresAt,omitempty"`
}

// CreatePATRequest is token/createPersonal without its profile.
type CreatePATRequest struct {
	Name   string `json:"name"`
	UserID string `json:"userId,omitempty"` // default: the token's own user
	Expiry
	Store  *StoreTarget `json:"store,omitempty"`
	Format *Format      `json:"format,omitempty"`
}

// CreateSPATRequest is token/createSystemAccount without its profile.
type CreateSPATRequest struct {
	Name string `json:"name"`
	AccountRef
	Expiry
	Store  *StoreTarget `json:"store,omitempty"`
	Format *Format      `json:"format,omitempty"`
}

// TokenCreated is a create's answer without a format: kongctl's record
// (its fields in its order), with Token empty and Stored set when the
// token went to the keychain instead.
type TokenCreated struct {
	Type              string  `json:"type"`
	ID                string  `json:"id,omitempty"`
	Name              string  `json:"name,omitempty"`
	Token             string  `json:"token,omitempty"`
	UserID            string  `json:"user_id,omitempty"`
	SystemAccountID   string  `json:"system_account_id,omitempty"`
	SystemAccountName string  `json:"system_account_name,omitempty"`
	State             string  `json:"state,omitempty"`
	CreatedAt         string  `json:"created_at,omitempty"`
	UpdatedAt         string  `json:"updated_at,omitempty"`
	LastUsedAt        string  `json:"last_used_at,omitempty"`
	ExpiresAt         string  `json:"expires_at,omitempty"`
	Stored            *Stored `json:"stored,omitempty"`
}

func (t *TokenCreated) record() output.TokenRecord {
	return output.TokenRecord{Type: t.Type, ID: t.ID, Name: t.Name, Token: t.Token, UserID: t.UserID,
		SystemAccountID: t.SystemAccountID, SystemAccountName: t.SystemAccountName, State: t.State,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, LastUsedAt: t.LastUsedAt, ExpiresAt: t.ExpiresAt}
}

// label is how messages name the token: `pat "ci" (<id>)`.
func (t *TokenCreated) label() string { return fmt.Sprintf("%s %q (%s)", t.Type, t.Name, t.ID) }

// withoutSecret is t for a place where the secret must not go.
func (t *TokenCreated) withoutSecret() *TokenCreated {
	c := *t
	c.Token = ""
	return &c
}

// kongTime is kongctl's record time: UTC, RFC 3339, no fraction. A value
// Konnect sent in another shape is kept as sent.
func kongTime(s string) string {
	if s == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return output.FormatTime(t)
}

func kongTimePtr(s *string) string {
	if s == nil {
		return ""
	}
	return kongTime(*s)
}

// tokenRequest is what both creates share once their own fields are
// checked: the parsed expiry, the keychain account to store into, and the
// session and format, all settled before Konnect is called.
type tokenRequest struct {
	sess    *Session
	fm      *formatter
	exp     expiry
	account string // keychain account, "" without store
	face    string // the caller's face, for messages
	// storeProfile is the profile whose credential the store replaces
	// (store.profile), for the index.
	storeProfile string
	replace      bool // the store may replace an occupied entry
	// rotating is the id of the token a rotation retires: its own entry
	// may be replaced without replace.
	rotating string
	// replaced is set by checkTarget when the store replaces an entry.
	replaced *Replaced
	// occupied is what checkTarget found: the entry held a secret.
	occupied bool
	// keep is the dry run's finding that the output drops the secret:
	// after the create it goes to the keychain under recovered:<id>.
	keep bool
	// unlock releases the account's lock taken by begin.
	unlock func()
	// render is how the answer will be rendered, for the dry run; nil
	// without a format.
	render func(context.Context, *TokenCreated) (any, error)
}

// profile is the profile the request acts for, for the index.
func (r *tokenRequest) profile() string {
	if r.sess == nil || r.sess.Profile == nil {
		return ""
	}
	return r.sess.Profile.Name
}

// begin checks the parts every create and rotate shares, in kongctl's
// order after the missing-field check: expiry, then store, then the
// session and output format. Nothing here calls Konnect.
func (s *Service) begin(ctx context.Context, c Caller, e Expiry, store *StoreTarget, f *Format) (*tokenRequest, error) {
	exp, err := parseExpiry(e.ExpiresIn, e.ExpiresAt, s.now())
	if err != nil {
		return nil, err
	}
	r := &tokenRequest{exp: exp, face: c.Face}
	if store != nil {
		r.replace, r.storeProfile = store.Replace, store.Profile
		if r.account, err = s.storeAccount(store, f); err != nil {
			return nil, err
		}
	}
	if r.sess, r.fm, err = s.identitySession(ctx, c, f, output.KindCreate); err != nil {
		return nil, err
	}
	if r.account != "" {
		// Two creates into one entry must not both find it free: the
		// second waits until the first has stored (or failed).
		if r.unlock, err = s.locks.lock(ctx, r.account); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// done releases what begin took.
func (r *tokenRequest) done() {
	if r != nil && r.unlock != nil {
		r.unlock()
	}
}

// storeAccount checks a store target and the format it is used with: a
// stored token is not printed, so -o token and -o env have nothing to
// print and are refused before the token exists.
func (s *Service) storeAccount(t *StoreTarget, f *Format) (string, error) {
	if (t.Profile == "") == (t.Name == "") {
		return "", invalid("store needs exactly one of profile or name")
	}
	if f != nil && (f.Output == string(output.Token) || f.Output == string(output.Env)) {
		return "", invalid(fmt.Sprintf("--output %s cannot be used when the token is stored in the keychain: it is not printed", f.Output))
	}
	if s.keys == nil {
		return "", errNoKeychain
	}
	if t.Profile != "" {
		return keychain.ProfileAccount(t.Profile), nil
	}
	return keychain.NamedAccount(t.Name), nil
}

// CreatePersonalToken is kongctl's create pat. Every input and the output
// format are checked before the first request; the secret reaches the
// caller or the keychain, never neither.
func (s *Service) CreatePersonalToken(ctx context.Context, c Caller, r *CreatePATRequest) (any, error) {
	name := strings.TrimSpace(r.Name)
	if err := invalid(required(name, "--name is required"), expiryPresent(r.Expiry)); err != nil {
		return nil, err
	}
	req, err := s.begin(ctx, c, r.Expiry, r.Store, r.Format)
	if err != nil {
		return nil, err
	}
	defer req.done()
	req.render = func(ctx context.Context, t *TokenCreated) (any, error) { return renderCreated(ctx, req.fm, t) }
	created, err := s.mintPAT(ctx, req, r.UserID, name)
	if err != nil {
		return nil, err
	}
	return s.finishCreate(ctx, req, created)
}

// CreateSystemAccountToken is kongctl's create spat: always an absolute
// expires_at; a system account named by name is looked up first.
func (s *Service) CreateSystemAccountToken(ctx context.Context, c Caller, r *CreateSPATRequest) (any, error) {
	name := strings.TrimSpace(r.Name)
	if err := invalid(required(name, "--name is required"), accountPresent(r.AccountRef), expiryPresent(r.Expiry)); err != nil {
		return nil, err
	}
	req, err := s.begin(ctx, c, r.Expiry, r.Store, r.Format)
	if err != nil {
		return nil, err
	}
	defer req.done()
	req.render = func(ctx context.Context, t *TokenCreated) (any, error) { return renderCreated(ctx, req.fm, t) }
	acct, err := s.resolveAccount(ctx, req.sess, r.AccountRef)
	if err != nil {
		return nil, err
	}
	created, err := s.mintSPAT(ctx, req, acct, name)
	if err != nil {
		return nil, err
	}
	return s.finishCreate(ctx, req, created)
}

func required(v, msg string) string {
	if v == "" {
		return msg
	}
	return ""
}

func expiryPresent(e Expiry) string {
	if (e.ExpiresIn == "") == (e.ExpiresAt == "") {
		return errExpiryOne
	}
	return ""
}

const errAccountOne = "exactly one of --system-account-id or --system-account-name is required"

func accountPresent(a AccountRef) string {
	if (a.SystemAccountID == "") == (a.SystemAccountName == "") {
		return errAccountOne
	}
	return ""
}

// mintPAT creates a PAT for userID (the caller's own user when empty).
func (s *Service) mintPAT(ctx context.Context, req *tokenRequest, userID, name string) (*TokenCreated, error) {
	kc := req.sess.client
	if userID == "" {
		u, err := kc.Me(ctx)
		if err != nil {
			return nil, err
		}
		if u.ID == "" {
			return nil, &LookupError{Kind: "no_id", Msg: "current user response did not include an id"}
		}
		userID = u.ID
	}
	if err := s.checkQuota(ctx, req, userID); err != nil {
		return nil, err
	}
	if err := s.preflight(ctx, req, s.placeholder(req, KindPAT, name, userID, nil)); err != nil {
		return nil, err
	}
	cctx, err := creating(ctx)
	if err != nil {
		return nil, err
	}
	p, err := kc.CreatePAT(cctx, userID, req.exp.patRequest(name))
	if err != nil {
		return nil, outcomeHint(err, KindPAT, name, nil)
	}
	s.auditCreate(ctx, req, KindPAT, p.ID, name)
	uid := p.UserID
	if uid == "" {
		uid = userID
	}
	return &TokenCreated{Type: KindPAT, ID: p.ID, Name: p.Name, Token: p.Token, UserID: uid, State: p.State,
		CreatedAt: kongTime(p.CreatedAt), UpdatedAt: kongTime(p.UpdatedAt), LastUsedAt: kongTimePtr(p.LastUsedAt),
		ExpiresAt: kongTimePtr(p.ExpiresAt)}, nil
}

// creating is the context a token-creating POST runs under. Once the POST
// is on its way the caller can no longer stop it (a hang-up, a
// $/cancelRequest): cutting it off would leave a token in Konnect that
// nobody holds, so the 201 is read and the secret kept, by the reply or
// its rescue. The Konnect client's own bound (serve --konnect-timeout)
// still ends it. A caller already gone stops it here, before anything is
// sent.
func creating(ctx context.Context) (context.Context, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return context.WithoutCancel(ctx), nil
}

// mintSPAT creates a SPAT for the resolved account.
func (s *Service) mintSPAT(ctx context.Context, req *tokenRequest, acct *konnect.SystemAccount, name string) (*TokenCreated, error) {
	if err := s.preflight(ctx, req, s.placeholder(req, KindSPAT, name, "", acct)); err != nil {
		return nil, err
	}
	cctx, err := creating(ctx)
	if err != nil {
		return nil, err
	}
	t, err := req.sess.client.CreateSPAT(cctx, acct.ID, name, req.exp.absolute(s.now()))
	if err != nil {
		return nil, outcomeHint(err, KindSPAT, name, acct)
	}
	s.auditCreate(ctx, req, KindSPAT, t.ID, name)
	return &TokenCreated{Type: KindSPAT, ID: t.ID, Name: t.Name, Token: t.Token, SystemAccountID: acct.ID,
		SystemAccountName: acct.Name, CreatedAt: kongTime(t.CreatedAt), UpdatedAt: kongTime(t.UpdatedAt),
		LastUsedAt: kongTime(t.LastUsedAt), ExpiresAt: kongTime(t.ExpiresAt)}, nil
}

// outcomeHint adds to a create that may have happened what the user
// should do: look before creating another, because a second try could
// leave two tokens. The command it names must work as written, so a SPAT's
// account is named as the caller named it (by name, else by id). The error
// still wraps konnect.ErrOutcomeUnknown.
func outcomeHint(err error, kind, name string, acct *konnect.SystemAccount) error {
	if !errors.Is(err, konnect.ErrOutcomeUnknown) {
		return err
	}
	sel, list := "", `token/list {"kind":"pat"}`
	if kind == KindSPAT {
		flag, param, value := "name", "systemAccountName", acct.Name
		if value == "" {
			flag, param, value = "id", "systemAccountId", acct.ID
		}
		sel = fmt.Sprintf(" --system-account-%s %s", flag, value)
		list = fmt.Sprintf(`token/list {"kind":"spat",%q:%q}`, param, value)
	}
	return fmt.Errorf("%w\nthe %s %q may exist: check with 'konnectd get %ss%s' (%s) before creating another, and delete it with 'konnectd delete %s <id>%s' if it is not wanted",
		err, kind, name, kind, sel, list, kind, sel)
}

// finishCreate stores the token when asked, then answers. From here on
// the token exists: every failure goes through rescue, which keeps the
// secret in the keychain (recovered:<id>) or hands it back in the error.
func (s *Service) finishCreate(ctx context.Context, req *tokenRequest, t *TokenCreated) (any, error) {
	t, err := s.store(ctx, req, t)
	if err != nil {
		return nil, err
	}
	kept, err := s.keepSecret(ctx, req, t)
	if err != nil {
		return nil, err
	}
	v, err := renderCreated(ctx, req.fm, t)
	if err != nil {
		return nil, s.undelivered(ctx, req, t, "render", err)
	}
	if kept == "" {
		s.guard(ctx, req, t)
	}
	return withWarning(v, kept), nil
}

// withWarning adds w (when not empty) to a text answer's warnings.
func withWarning(v any, w string) any {
	if txt, ok := v.(Text); ok && w != "" {
		txt.Warnings = append(txt.Warnings, w)
		return txt
	}
	return v
}

// store puts t into the keychain entry the request names, records it in
// the index, and returns t as the answer shows it (no secret, Stored set).
// Without a store it returns t unchanged.
func (s *Service) store(ctx context.Context, req *tokenRequest, t *TokenCreated) (*TokenCreated, error) {
	if req.account == "" {
		return t, nil
	}
	if !req.occupied && !req.replace {
		// Another process (konnectd mcp, a second daemon) may have written
		// the entry while the token was created: leave it alone. Limit: the
		// keychain has no compare-and-set, so a write by another process
		// between this read and the Set below can still be replaced.
		if _, err := s.keys.Get(ctx, req.account); err == nil {
			return nil, s.rescue(ctx, req, t, "store", fmt.Errorf("keychain entry %s was taken while the token was created; it was left as it is", req.account))
		}
	}
	if err := s.keys.Set(ctx, req.account, t.Token); err != nil {
		return nil, s.rescue(ctx, req, t, "store", err)
	}
	profile := req.profile()
	if req.storeProfile != "" {
		profile = req.storeProfile
	}
	s.record(ctx, createdRecord(req.account, keychain.SourceCreated, profile, t))
	s.log.Info("stored new token", "kind", t.Type, "id", t.ID, "account", req.account, "replaced", req.replaced != nil)
	out := t.withoutSecret()
	out.Stored = &Stored{Keychain: s.keys.Kind(), Account: req.account, Replaced: req.replaced}
	return out, nil
}

// undelivered is a failure after t was created and, if asked, stored: a
// stored token is safe where it is, so the error says where; otherwise
// rescue keeps its secret.
func (s *Service) undelivered(ctx context.Context, req *tokenRequest, t *TokenCreated, step string, err error) error {
	if t.Stored != nil {
		return &StateError{Step: step, Err: err, Created: t,
			State: fmt.Sprintf("the %s was created and is stored in the %s keychain as %s: %s", t.label(), t.Stored.Keychain, t.Stored.Account, s.secretLookup(req.face, t.Stored.Account))}
	}
	return s.rescue(ctx, req, t, step, err)
}

// renderCreated is kongctl's create output; a stored token's text form
// says where it went instead of printing it. A replaced entry is a
// warning (stderr for the CLI), so stdout stays kongctl's.
func renderCreated(ctx context.Context, fm *formatter, t *TokenCreated) (any, error) {
	if fm != nil && fm.svc.faults != nil && fm.svc.faults.Render != nil && t.ID != PlaceholderID {
		if err := fm.svc.faults.Render(); err != nil {
			return nil, err
		}
	}
	var v any
	var err error
	switch {
	case fm == nil:
		return t, nil
	case t.Stored == nil:
		v, err = fm.render(ctx, t.record())
	case fm.opts.Output == output.Text:
		v = Text{Text: fmt.Sprintf("Created %s %q (%s)\nstored: %s keychain, account %s\n", t.Type, t.Name, t.ID, t.Stored.Keychain, t.Stored.Account)}
	default:
		v, err = fm.render(ctx, t)
	}
	if err != nil {
		return nil, err
	}
	if txt, ok := v.(Text); ok && t.Stored != nil && t.Stored.Replaced != nil {
		txt.Warnings = append(txt.Warnings, t.Stored.Replaced.Note)
		v = txt
	}
	return v, nil
}

// resolveAccount turns an AccountRef into an account: an id is taken as
// is (kongctl leaves the name empty then); a name is looked up with
// filter[name][eq], with kongctl's messages for none and for several.
func (s *Service) resolveAccount(ctx context.Context, sess *Session, ref AccountRef) (*konnect.SystemAccount, error) {
	if ref.SystemAccountID != "" {
		return &konnect.SystemAccount{ID: ref.SystemAccountID}, nil
	}
	name := ref.SystemAccountName
	size, err := sess.Profile.PageSize()
	if err != nil {
		return nil, &ProfileError{Err: err}
	}
	page, err := sess.client.ListSystemAccounts(ctx, konnect.ListOptions{
		Filter:   konnect.Filter{{Field: "name", Op: konnect.OpEq, Value: name}},
		PageSize: size,
	})
	if err != nil {
		return nil, err
	}
	switch len(page.Items) {
	case 0:
		return nil, &LookupError{Kind: "not_found", Msg: fmt.Sprintf("system account %q not found", name)}
	case 1:
	default:
		return nil, &LookupError{Kind: "ambiguous", Msg: fmt.Sprintf("multiple system accounts found with name %q; use --system-account-id", name)}
	}
	a := page.Items[0]
	if a.ID == "" {
		return nil, &LookupError{Kind: "no_id", Msg: fmt.Sprintf("system account %q did not include an id", name)}
	}
	return &a, nil
}

// LookupError is a name that matched no object (Kind "not_found") or
// more than one ("ambiguous"), or an object Konnect sent without an id
// ("no_id"). Msg is kongctl's message where kongctl has one.
type LookupError struct {
	Kind string
	Msg  string
}

func (e *LookupError) Error() string { return e.Msg }
