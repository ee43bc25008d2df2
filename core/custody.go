package core

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/output"
)

// Custody: a token Konnect created reaches its caller or the keychain,
// whatever fails after the 201, and no stored entry is replaced unless the
// caller said so. Everything that can be checked is checked before the
// POST (checkTarget, dryRun); what can still fail afterwards goes through
// rescue; a face that could not deliver an answer says so through a
// Handoff.

// testFaults are failures core's own tests inject after the 201, where
// nothing real fails on demand (a keychain write failure is injected by
// wrapping the real store instead); nil outside those tests.
type testFaults struct {
	Render func() error // when the real answer (not the dry run) is rendered
}

// Faces of a Caller: which commands a message may name.
const (
	FaceRPC    = ""       // a JSON-RPC client: name methods
	FaceCLI    = "cli"    // konnectd's own verbs: name konnectd commands
	FaceVSCode = "vscode" // the VS Code extension: palette commands, else a terminal
	FaceMCP    = "mcp"    // an agent: name tools
)

// Replaced says what a store with replace put out of the keychain.
type Replaced struct {
	Account string `json:"account"`
	// Known is false when konnectd has no record of what the entry held
	// (an entry written by another tool, or before konnectd kept records).
	Known     bool   `json:"known"`
	Kind      string `json:"kind,omitempty"`
	TokenID   string `json:"tokenId,omitempty"`
	TokenName string `json:"tokenName,omitempty"`
	ExpiresAt string `json:"expiresAt,omitempty"`
	// State is the token's state in Konnect when konnectd could ask:
	// ACTIVE, REVOKED, …, or "gone" when Konnect no longer lists it.
	State string `json:"state,omitempty"`
	// Note is the sentence a person reads: which token it held and that
	// the token itself still works until deleted or expired.
	Note string `json:"note"`
}

// Recovery says where a created token's secret went when its delivery
// failed after Konnect created it.
type Recovery struct {
	// In is "keychain" (the secret is under Account) or "reply" (the
	// keychain could not take it either: it is in this answer's
	// created.token, the only copy).
	In       string `json:"in"`
	Keychain string `json:"keychain,omitempty"` // system or file, with In "keychain"
	Account  string `json:"account,omitempty"`  // recovered:<token id>, with In "keychain"
	// Lookup is how to read it: a command for the caller's face and the
	// keychain in use.
	Lookup string `json:"lookup,omitempty"`
}

// placeholderSecret has the shape of a real token of kind (Konnect's
// kpat_ + 49, spat_ + 50 characters), so a filter that looks at the
// token's length or prefix sees what it will see for real.
func placeholderSecret(kind string) string {
	if kind == KindSPAT {
		return "spat_" + strings.Repeat("0", 50)
	}
	return "kpat_" + strings.Repeat("0", 49)
}

// PlaceholderID is the id the dry run gives the token it imagines.
const PlaceholderID = "00000000-0000-4000-8000-000000000000"

// placeholder is the record a create will return, as far as it is known
// before the POST: everything but the id, the secret and Konnect's clock.
func (s *Service) placeholder(req *tokenRequest, kind, name, userID string, acct *konnect.SystemAccount) *TokenCreated {
	now := output.FormatTime(s.now())
	t := &TokenCreated{Type: kind, ID: PlaceholderID, Name: name, Token: placeholderSecret(kind), CreatedAt: now, UpdatedAt: now,
		ExpiresAt: output.FormatTime(req.exp.absolute(s.now()))}
	if kind == KindPAT {
		t.UserID, t.State = userID, "ACTIVE"
	} else {
		t.SystemAccountID, t.SystemAccountName = acct.ID, acct.Name
	}
	return t
}

// preflight is the last step before the POST: the output (and jq filter)
// is tried on a record of the exact shape the create will return, and a
// store target is checked to be reachable, writable and free. An error
// here means nothing was created.
func (s *Service) preflight(ctx context.Context, req *tokenRequest, p *TokenCreated) error {
	if req.account != "" {
		if err := s.checkTarget(ctx, req); err != nil {
			return err
		}
	}
	return s.dryRun(ctx, req, p)
}

// dryRun renders p as the answer would be rendered. jq errors that only
// show at run time (error("x"), .token|tonumber, a deadline) are found here
// instead of after the token exists. A filter that tells the placeholder
// from the real token can still fail later; rescue covers that.
func (s *Service) dryRun(ctx context.Context, req *tokenRequest, p *TokenCreated) error {
	if req.fm == nil || req.render == nil {
		return nil
	}
	t := p
	if req.account != "" {
		t = p.withoutSecret()
		t.Stored = &Stored{Keychain: s.keys.Kind(), Account: req.account}
	}
	v, err := req.render(ctx, t)
	if err != nil {
		return &DryRunError{Err: err}
	}
	if req.account == "" && !carriesSecret(v, p.Token) {
		return s.planKeep(ctx, req)
	}
	return nil
}

// carriesSecret reports whether a rendered answer shows the placeholder
// secret: a filter such as --jq .name prints the token's name only, and
// the secret would reach nobody. An answer that is not text (no format)
// is the record itself, secret included.
func carriesSecret(v any, placeholder string) bool {
	txt, ok := v.(Text)
	return !ok || strings.Contains(txt.Text, placeholder)
}

// planKeep is the dry run's answer to an output that drops the secret
// with no store asked for: the keychain keeps it under recovered:<id>
// after the create, so the keychain is checked to take a write now; with
// no keychain that can, nothing is created.
func (s *Service) planKeep(ctx context.Context, req *tokenRequest) error {
	err := errNoKeychain
	if s.keys != nil {
		err = s.probeKeychain(ctx)
	}
	if err != nil {
		return &ValidationError{Problems: []string{fmt.Sprintf("the output would not show the new token's secret and no keychain can keep it (%v), so nothing was created: %s", err, s.keepAdvice(req.face))}}
	}
	req.keep = true
	return nil
}

// keepAdvice names, for face, the two ways to an output that delivers the
// secret.
func (s *Service) keepAdvice(face string) string {
	switch face {
	case FaceCLI:
		return "add .token to the --jq filter, or use --store NAME"
	case FaceMCP:
		return "store it in the keychain (store_name)"
	}
	return "add .token to format.jq, or pass store"
}

// probeKeychain checks the keychain takes a write: a scratch entry,
// written and removed.
func (s *Service) probeKeychain(ctx context.Context) error {
	probe := keychain.ProbeAccount(nonce())
	if err := s.keys.Set(ctx, probe, "konnectd write check"); err != nil {
		return err
	}
	if err := s.keys.Delete(ctx, probe); err != nil {
		s.log.Warn("could not remove the keychain write check entry", "account", probe, "error", err)
	}
	return nil
}

// keepSecret runs after the create when the dry run found that the output
// drops the secret (req.keep): the secret goes to the keychain under
// recovered:<id>, and the returned warning says where and how to read it.
// A keychain that fails now sends the secret through rescue (the reply,
// flagged, as the last resort).
func (s *Service) keepSecret(ctx context.Context, req *tokenRequest, t *TokenCreated) (string, error) {
	if !req.keep || t.Token == "" {
		return "", nil
	}
	acct := keychain.RecoveredAccount(t.ID)
	if err := s.keys.Set(context.WithoutCancel(ctx), acct, t.Token); err != nil {
		return "", s.rescue(ctx, req, t, "keep", fmt.Errorf("the output does not show the secret, and keeping it in the keychain failed: %w", err))
	}
	s.record(ctx, createdRecord(acct, keychain.SourceRecovered, req.profile(), t))
	s.log.Info("kept the secret of a created token the output does not show", "kind", t.Type, "id", t.ID, "account", acct)
	return fmt.Sprintf("the output does not show the new %s's secret; konnectd keeps it in the %s keychain as %s: %s", t.label(), s.keys.Kind(), acct, s.secretLookup(req.face, acct)), nil
}

// DryRunError is an output or jq failure found by trying the output on a
// placeholder record before anything was created. Its message is the
// failure's own (kongctl's words where kongctl has them), plus that
// nothing was created.
type DryRunError struct{ Err error }

func (e *DryRunError) Error() string {
	return e.Err.Error() + " (found by trying the output on a record shaped like the new token's before creating it: nothing was created)"
}
func (e *DryRunError) Unwrap() error { return e.Err }

// checkTarget makes sure the store can take the new token before it
// exists: the keychain answers, takes a write (a scratch entry, written
// and removed), and the entry is free, or replacing it was asked for, or
// it holds the very token being rotated.
func (s *Service) checkTarget(ctx context.Context, req *tokenRequest) error {
	_, err := s.keys.Get(ctx, req.account)
	occupied := err == nil
	if err != nil && !errors.Is(err, keychain.ErrNotFound) {
		return &KeychainCheckError{Err: err}
	}
	req.occupied = occupied
	if occupied {
		rec, known := s.indexRecord(ctx, req.account)
		rotating := known && rec.TokenID != "" && rec.TokenID == req.rotating
		if !req.replace && !rotating {
			return &ValidationError{Problems: []string{s.occupiedMessage(req.face, req.account, rec, known)}}
		}
		if rotating {
			req.replaced = replacedNote(req.account, rec, known, s.now())
			req.replaced.Note = fmt.Sprintf("replaced keychain entry %s, which held the rotated %s", req.account, describe(rec, known))
		} else {
			// One listing of the old token's owner, only for a replace: the
			// note says whether the token it held still works.
			req.replaced = replacedNoteState(req.account, rec, known, s.now(), s.tokenState(ctx, req.sess, rec))
		}
	}
	if err := s.probeKeychain(ctx); err != nil {
		return &KeychainCheckError{Err: err}
	}
	return nil
}

// KeychainCheckError is a keychain that cannot take the new token, found
// before it was created.
type KeychainCheckError struct{ Err error }

func (e *KeychainCheckError) Error() string {
	return "the keychain cannot store the new token, so it was not created: " + e.Err.Error()
}
func (e *KeychainCheckError) Unwrap() error { return e.Err }

func nonce() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Service) indexRecord(ctx context.Context, account string) (keychain.Record, bool) {
	if s.index == nil {
		return keychain.Record{}, false
	}
	r, ok, err := s.index.Get(ctx, account)
	if err != nil {
		s.log.Warn("keychain index unreadable", "error", err)
	}
	return r, ok
}

// describe names what an entry holds, for messages.
func describe(rec keychain.Record, known bool) string {
	switch {
	case !known:
		return "a secret konnectd has no record of"
	case rec.TokenID == "":
		how := "given to konnectd login"
		if rec.Source == keychain.SourceImported {
			how = "imported from a plaintext file"
		}
		return fmt.Sprintf("a %s %s (its Konnect id is unknown)", kindWord(rec.Kind), how)
	}
	s := fmt.Sprintf("%s %q (%s)", rec.Kind, rec.TokenName, rec.TokenID)
	if rec.ExpiresAt != "" {
		s += ", expiring " + rec.ExpiresAt
	}
	return s
}

func kindWord(kind string) string {
	if kind == "token" || kind == "" {
		return "token"
	}
	return kind
}

func (s *Service) occupiedMessage(face, account string, rec keychain.Record, known bool) string {
	how := "pass store.replace: true"
	switch face {
	case FaceCLI:
		how = "pass --replace"
	case FaceMCP:
		how = "pass replace: true"
	case FaceVSCode:
		how = fmt.Sprintf("run 'konnectd forget %s' in a terminal first", account)
	}
	list := s.listCommand(face)
	return fmt.Sprintf("keychain entry %s is taken: it holds %s. Nothing was created. Choose another name, or %s to replace the entry (the token it holds is not deleted: it keeps working until it expires or is deleted); %s lists what konnectd stored",
		account, describe(rec, known), how, list)
}

func replacedNote(account string, rec keychain.Record, known bool, now time.Time) *Replaced {
	return replacedNoteState(account, rec, known, now, "")
}

// replacedNoteState is replacedNote knowing the token's state in Konnect:
// "" unknown, "ACTIVE" (or any other state Konnect reports), or "gone"
// (Konnect no longer lists it).
func replacedNoteState(account string, rec keychain.Record, known bool, now time.Time, state string) *Replaced {
	r := &Replaced{Account: account, Known: known, Kind: rec.Kind, TokenID: rec.TokenID, TokenName: rec.TokenName, ExpiresAt: rec.ExpiresAt, State: state}
	live := known && rec.TokenID != "" && (state == "" || state == "ACTIVE")
	if live && rec.ExpiresAt != "" {
		if t, err := time.Parse(time.RFC3339, rec.ExpiresAt); err == nil && !t.After(now) {
			live = false
		}
	}
	held := describe(rec, known)
	switch {
	case live && state == "ACTIVE":
		r.Note = fmt.Sprintf("replaced keychain entry %s, which held %s, still ACTIVE in Konnect; that token was not deleted and works until it expires: delete it if nothing else uses it (%s %s)", account, held, rec.Kind, rec.TokenID)
	case live:
		r.Note = fmt.Sprintf("replaced keychain entry %s, which held %s; that token was not deleted and works until it expires: delete it if nothing else uses it (%s %s)", account, held, rec.Kind, rec.TokenID)
	case state == "gone":
		r.Note = fmt.Sprintf("replaced keychain entry %s, which held %s (no longer in Konnect)", account, held)
	case known && rec.TokenID != "" && state != "":
		r.Note = fmt.Sprintf("replaced keychain entry %s, which held %s (%s in Konnect)", account, held, state)
	case known && rec.TokenID != "":
		r.Note = fmt.Sprintf("replaced keychain entry %s, which held %s (expired)", account, held)
	default:
		r.Note = fmt.Sprintf("replaced keychain entry %s, which held %s", account, held)
	}
	return r
}

// tokenState asks Konnect what became of rec's token: its state (a SPAT,
// which has none, is "ACTIVE" while listed), "gone" when its owner's list
// no longer has it, or "" when that cannot be told (no id or owner, or the
// listing failed: the caller may not see that owner's tokens).
func (s *Service) tokenState(ctx context.Context, sess *Session, rec keychain.Record) string {
	if sess == nil || rec.TokenID == "" {
		return ""
	}
	var o *owner
	switch {
	case rec.Kind == KindPAT && rec.UserID != "":
		o = &owner{kind: KindPAT, userID: rec.UserID}
	case rec.Kind == KindSPAT && rec.SystemAccountID != "":
		o = &owner{kind: KindSPAT, acct: &konnect.SystemAccount{ID: rec.SystemAccountID, Name: rec.SystemAccountName}}
	default:
		return ""
	}
	list, err := s.tokens(ctx, sess, o, "")
	if err != nil {
		s.log.Debug("could not tell the replaced token's state", "id", rec.TokenID, "error", err)
		return ""
	}
	for _, t := range list {
		if t.ID == rec.TokenID {
			if t.State == "" {
				return "ACTIVE"
			}
			return t.State
		}
	}
	return "gone"
}

// occupant describes what account holds before a login or import
// replaces it, or nil when it holds nothing (or the keychain cannot say:
// the write that follows will report that).
func (s *Service) occupant(ctx context.Context, account string) *Replaced {
	if _, err := s.keys.Get(ctx, account); err != nil {
		return nil
	}
	rec, known := s.indexRecord(ctx, account)
	return replacedNote(account, rec, known, s.now())
}

// record writes the index entry for a secret konnectd just stored. A
// failure is logged, not returned: the secret is safe, only its
// description is missing.
func (s *Service) record(ctx context.Context, rec keychain.Record) {
	if s.index == nil {
		return
	}
	rec.StoredAt = output.FormatTime(s.now())
	if err := s.index.Put(context.WithoutCancel(ctx), rec); err != nil {
		s.log.Warn("keychain index not updated", "account", rec.Account, "error", err)
	}
	s.Kick() // the expiry watch learns the new expiry
}

func createdRecord(account, source, profile string, t *TokenCreated) keychain.Record {
	return keychain.Record{Account: account, Kind: t.Type, TokenID: t.ID, TokenName: t.Name, UserID: t.UserID,
		SystemAccountID: t.SystemAccountID, SystemAccountName: t.SystemAccountName, Profile: profile,
		CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, Source: source}
}

// rescueTimeout bounds a rescue's keychain write when the request's own
// context is gone (the client hung up): the keychain's own timeouts apply
// inside it.
const rescueTimeout = 2 * time.Minute

// rescue keeps a created token whose delivery failed at step: in the
// keychain under recovered:<id> when the keychain takes it, else in the
// error for the caller (created.token, flagged by Recovery.In "reply").
// It never returns nil.
func (s *Service) rescue(ctx context.Context, req *tokenRequest, t *TokenCreated, step string, cause error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rescueTimeout)
	defer cancel()
	var keyErr error = errNoKeychain
	if s.keys != nil {
		acct := keychain.RecoveredAccount(t.ID)
		if keyErr = s.keys.Set(ctx, acct, t.Token); keyErr == nil {
			s.record(ctx, createdRecord(acct, keychain.SourceRecovered, req.profile(), t))
			s.log.Warn("kept a created token whose delivery failed", "kind", t.Type, "id", t.ID, "step", step, "account", acct)
			rec := &Recovery{In: "keychain", Keychain: s.keys.Kind(), Account: acct, Lookup: s.secretLookup(req.face, acct)}
			return &StateError{Step: step, Err: cause, Created: t.withoutSecret(), Recovery: rec,
				State: fmt.Sprintf("the %s was created in Konnect and works; its secret is kept in the %s keychain as %s: %s", t.label(), rec.Keychain, acct, rec.Lookup)}
		}
	}
	s.log.Warn("a created token could not be kept in the keychain; its secret goes back in the error", "kind", t.Type, "id", t.ID, "step", step, "keychain_error", keyErr)
	where := "its secret is in this error's data (created.token), the only copy: keep it"
	if req.face == FaceCLI {
		where = "its secret is printed on standard output (the record below), the only copy: keep it"
	}
	s.guard(ctx, req, t)
	return &StateError{Step: step, Err: cause, Created: t, Recovery: &Recovery{In: "reply"},
		State: fmt.Sprintf("the %s was created in Konnect, and the keychain could not keep it either (%v); %s, or delete the token with %s", t.label(), keyErr, where, s.deleteCommand(req.face, t))}
}

// deleteCommand names how to delete t in face's terms.
func (s *Service) deleteCommand(face string, t *TokenCreated) string {
	switch face {
	case FaceMCP:
		return fmt.Sprintf("delete_token (kind %s, id %s)", t.Type, t.ID)
	case FaceRPC:
		if t.Type == KindSPAT {
			return fmt.Sprintf(`token/delete {"kind":"spat","systemAccountId":%q,"id":%q}`, t.SystemAccountID, t.ID)
		}
		return fmt.Sprintf(`token/delete {"kind":"pat","id":%q}`, t.ID)
	}
	sel := ""
	if t.Type == KindSPAT {
		sel = " --system-account-id " + t.SystemAccountID
	}
	return fmt.Sprintf("'konnectd delete %s %s%s'", t.Type, t.ID, sel)
}

// secretLookup says how to read account's secret from where face runs, for the
// keychain in use: secret-tool on Linux's Secret Service, and konnectd's
// own command everywhere (the only one for the file store).
func (s *Service) secretLookup(face, account string) string {
	name, space := keychain.AccountName(account)
	cmd := fmt.Sprintf("'konnectd get stored %s --secret'", name)
	if space == "profile" {
		cmd = fmt.Sprintf("'konnectd env -p %s'", name)
	}
	switch face {
	case FaceMCP:
		// The agent must not read it: say what the user runs.
		cmd = "the user can read it with " + cmd + " in a terminal"
	case FaceVSCode:
		cmd = "read it with " + cmd + " in a terminal"
	case FaceRPC:
		cmd = fmt.Sprintf(`read it with keychain/secret {"account":%q} (or %s)`, account, cmd)
	default:
		cmd = "read it with " + cmd
	}
	if s.keys != nil && s.keys.Kind() == keychain.KindSystem && secretTool {
		cmd += fmt.Sprintf(" or 'secret-tool lookup service %s username %s'", keychain.DefaultService, account)
	}
	return cmd
}

// listCommand names how face lists konnectd's stored entries.
func (s *Service) listCommand(face string) string {
	switch face {
	case FaceMCP:
		return "list_stored"
	case FaceRPC:
		return "keychain/list"
	case FaceVSCode:
		return "'konnectd get stored' (in a terminal)"
	}
	return "'konnectd get stored'"
}

// Handoff lets a face tell the core that an answer did not reach its
// caller (the connection dropped while the reply was written). A create
// whose answer holds a secret registers a rescue with the request's
// Handoff; Failed runs it, so the secret goes to the keychain under
// recovered:<id> instead of nowhere.
type Handoff struct {
	mu      sync.Mutex
	pending []func()
}

type handoffKey struct{}

// WithHandoff returns ctx carrying a new Handoff, for a face to call
// Failed on if it cannot deliver the answer.
func WithHandoff(ctx context.Context) (context.Context, *Handoff) {
	h := &Handoff{}
	return context.WithValue(ctx, handoffKey{}, h), h
}

// Failed runs the rescues registered for the answer that was not
// delivered. It is safe to call more than once: each rescue runs once.
func (h *Handoff) Failed() {
	h.mu.Lock()
	p := h.pending
	h.pending = nil
	h.mu.Unlock()
	for _, f := range p {
		f()
	}
}

// guard registers, with ctx's Handoff if any, the rescue of t should the
// answer that carries its secret not reach the caller.
func (s *Service) guard(ctx context.Context, req *tokenRequest, t *TokenCreated) {
	h, _ := ctx.Value(handoffKey{}).(*Handoff)
	if h == nil || t.Token == "" {
		return
	}
	h.mu.Lock()
	h.pending = append(h.pending, func() {
		err := s.rescue(ctx, req, t, "reply", errors.New("the answer could not be written to the client"))
		s.log.Warn("the answer carrying a new token did not reach the client", "kind", t.Type, "id", t.ID, "state", stateOf(err))
	})
	h.mu.Unlock()
}

func stateOf(err error) string {
	var se *StateError
	if errors.As(err, &se) {
		if r := se.Recovery; r != nil && r.In == "keychain" {
			return "kept in the keychain as " + r.Account
		}
	}
	return "lost: the keychain could not keep it; delete the token"
}

// Rescue keeps a created token that a face could not deliver (an MCP
// tool's file write failed): the keychain under recovered:<id> when it
// takes it, else the error hands the secret back (Recovery.In "reply").
func (s *Service) Rescue(ctx context.Context, c Caller, t *TokenCreated, step string, cause error) error {
	return s.rescue(ctx, &tokenRequest{face: c.Face}, t, step, cause)
}

// accountLocks serializes creates into the same keychain entry within the
// process, from the check that finds it free to the write. Across
// processes, store re-reads the entry before writing instead.
type accountLocks struct {
	mu sync.Mutex
	m  map[string]chan struct{}
}

// lock takes account's lock, waiting at most as long as ctx lasts.
func (l *accountLocks) lock(ctx context.Context, account string) (func(), error) {
	for {
		l.mu.Lock()
		if l.m == nil {
			l.m = map[string]chan struct{}{}
		}
		held, busy := l.m[account]
		if !busy {
			ch := make(chan struct{})
			l.m[account] = ch
			l.mu.Unlock()
			return func() {
				l.mu.Lock()
				delete(l.m, account)
				l.mu.Unlock()
				close(ch)
			}, nil
		}
		l.mu.Unlock()
		select {
		case <-held:
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for another create into keychain entry %s: %w", account, ctx.Err())
		}
	}
}
