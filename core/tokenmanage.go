package core

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/output"
)

// TokenOwner says whose tokens a request is about: a PAT belongs to a user
// (the caller's own when UserID is empty), a SPAT to a system account.
type TokenOwner struct {
	Kind   string `json:"kind"` // pat or spat
	UserID string `json:"userId,omitempty"`
	AccountRef
}

// TokenRef picks one token of an owner by id or by name.
type TokenRef struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// ListTokensRequest is token/list: all of an owner's tokens, or one when
// a TokenRef is given (kongctl's get pat [id|name]).
type ListTokensRequest struct {
	TokenOwner
	TokenRef
	// PageSize is page[size] for a system account's tokens; 0 means the
	// profile's konnect.page-size. A user's PATs come in one answer.
	PageSize int     `json:"pageSize,omitempty"`
	Format   *Format `json:"format,omitempty"`
	// Expiry adds STATE and EXPIRES AT to the text table (konnectd's
	// get pat --expiry); without it the table is kongctl's.
	Expiry bool `json:"expiry,omitempty"`
}

// DeleteTokenRequest is token/delete. Forget also removes the keychain
// entries konnectd stored the deleted token in; without it they are listed
// in the answer (held), for the caller to offer.
type DeleteTokenRequest struct {
	TokenOwner
	TokenRef
	Forget bool `json:"forget,omitempty"`
	// Label is the name to print for a token deleted by id whose owner is
	// given by id too: the second step of a delete the caller confirmed
	// after looking the token up with token/list. With a label nothing is
	// looked up again, so kongctl's requests are the ones sent.
	Label  string  `json:"label,omitempty"`
	Format *Format `json:"format,omitempty"`
}

// DeleteResult is token/delete's answer without a format: kongctl's
// record, plus the keychain entries that held the token.
type DeleteResult struct {
	output.DeleteRecord
	Held   []StoredEntry `json:"held,omitempty"`   // entries still holding the dead token
	Forgot []string      `json:"forgot,omitempty"` // entries removed because forget was set
}

// RotateTokenRequest is token/rotate: a new token like the old one, then
// the old one retired (a PAT revoked, or deleted with DeleteOld; a SPAT
// deleted, since SPATs cannot be revoked).
type RotateTokenRequest struct {
	TokenOwner
	TokenRef
	Expiry
	// NewName names the new token. By default a PAT keeps its name; a SPAT,
	// whose names are unique per account, gets the old name with a UTC
	// timestamp suffix (replacing an earlier one).
	NewName   string       `json:"newName,omitempty"`
	DeleteOld bool         `json:"deleteOld,omitempty"`
	Store     *StoreTarget `json:"store,omitempty"`
	Format    *Format      `json:"format,omitempty"`
	// Entry rotates the token konnectd holds in a keychain entry (named
	// as keychain/list names it), EntryProfile the profile's credential:
	// owner, token, lifetime and store then come from konnectd's record.
	Entry        string `json:"entry,omitempty"`
	EntryProfile string `json:"entryProfile,omitempty"`
	// Overlap is how long the old token keeps working before it is
	// retired (a Go duration; "0" at once). Default: 15m for an entry, at
	// once otherwise.
	Overlap *string `json:"overlap,omitempty"`
}

// TokenList is token/list's answer without a format.
type TokenList struct {
	Data []output.TokenInfo `json:"data"`
}

// RotateResult is token/rotate's answer without a format.
type RotateResult struct {
	New       *TokenCreated    `json:"new"`
	Old       output.TokenInfo `json:"old"`
	OldAction string           `json:"oldAction"` // revoked or deleted; "revoke scheduled" or "delete scheduled" with an overlap
	// RetireAt is when a scheduled retirement is due (RFC 3339).
	RetireAt string `json:"retireAt,omitempty"`
}

// ownerProblems are the missing or contradictory owner fields.
func ownerProblems(o TokenOwner) []string {
	switch o.Kind {
	case KindPAT:
		if o.SystemAccountID != "" || o.SystemAccountName != "" {
			return []string{"--system-account-id and --system-account-name apply to spat only"}
		}
	case KindSPAT:
		if o.UserID != "" {
			return []string{"--user-id applies to pat only"}
		}
		if p := accountPresent(o.AccountRef); p != "" {
			return []string{p}
		}
	default:
		return []string{fmt.Sprintf("invalid token kind %q, must be one of [pat spat]", o.Kind)}
	}
	return nil
}

func refProblem(r TokenRef, verb string) string {
	if (r.ID == "") == (r.Name == "") {
		return fmt.Sprintf("exactly one token id or name is required to %s", verb)
	}
	return ""
}

// owner is a resolved TokenOwner.
type owner struct {
	kind   string
	userID string
	acct   *konnect.SystemAccount
}

func (s *Service) resolveOwner(ctx context.Context, sess *Session, o TokenOwner) (*owner, error) {
	if o.Kind == KindSPAT {
		a, err := s.resolveAccount(ctx, sess, o.AccountRef)
		if err != nil {
			return nil, err
		}
		return &owner{kind: KindSPAT, acct: a}, nil
	}
	uid := o.UserID
	if uid == "" {
		u, err := sess.client.Me(ctx)
		if err != nil {
			return nil, err
		}
		if u.ID == "" {
			return nil, &LookupError{Kind: "no_id", Msg: "current user response did not include an id"}
		}
		uid = u.ID
	}
	return &owner{kind: KindPAT, userID: uid}, nil
}

// tokens lists an owner's tokens as kongctl's get records: a user's PATs
// in one request with no query, a system account's SPATs page by page at
// the profile's konnect.page-size, only those named name when name is
// set (filter[name][eq], as kongctl sends it).
func (s *Service) tokens(ctx context.Context, sess *Session, o *owner, name string) ([]output.TokenInfo, error) {
	return s.tokensPaged(ctx, sess, o, name, 0)
}

// tokensPaged is tokens with a page size; 0 means the profile's.
func (s *Service) tokensPaged(ctx context.Context, sess *Session, o *owner, name string, pageSize int) ([]output.TokenInfo, error) {
	var out []output.TokenInfo
	if o.kind == KindPAT {
		page, err := sess.client.ListPATs(ctx, o.userID, konnect.ListOptions{})
		if err != nil {
			return nil, err
		}
		for _, p := range page.Items {
			out = append(out, patInfo(p))
		}
		return out, nil
	}
	size := pageSize
	if size == 0 {
		var err error
		if size, err = sess.Profile.PageSize(); err != nil {
			return nil, &ProfileError{Err: err}
		}
	}
	lo := konnect.ListOptions{PageSize: size}
	if name != "" {
		lo.Filter = konnect.Filter{{Field: "name", Op: konnect.OpEq, Value: name}}
	}
	page, err := sess.client.ListSPATs(ctx, o.acct.ID, lo)
	if err != nil {
		return nil, err
	}
	for _, t := range page.Items {
		out = append(out, spatInfo(t, o.acct))
	}
	return out, nil
}

func patInfo(p konnect.PAT) output.TokenInfo {
	return output.TokenInfo{Type: KindPAT, ID: p.ID, Name: p.Name, UserID: p.UserID, State: p.State,
		CreatedAt: kongTime(p.CreatedAt), UpdatedAt: kongTime(p.UpdatedAt), LastUsedAt: kongTimePtr(p.LastUsedAt),
		ExpiresAt: kongTimePtr(p.ExpiresAt)}
}

func spatInfo(t konnect.SPAT, acct *konnect.SystemAccount) output.TokenInfo {
	return output.TokenInfo{Type: KindSPAT, ID: t.ID, Name: t.Name, SystemAccountID: acct.ID,
		SystemAccountName: acct.Name, CreatedAt: kongTime(t.CreatedAt), UpdatedAt: kongTime(t.UpdatedAt),
		LastUsedAt: kongTime(t.LastUsedAt), ExpiresAt: kongTime(t.ExpiresAt)}
}

// tokenNoun is kongctl's name for a kind in its messages.
func tokenNoun(kind string) string {
	if kind == KindSPAT {
		return "system account access token"
	}
	return "personal access token"
}

// lookup finds the one token a TokenRef means, as kongctl does: an id is
// fetched directly, a name is matched among the owner's tokens.
func (s *Service) lookup(ctx context.Context, sess *Session, o *owner, r TokenRef) (output.TokenInfo, error) {
	if r.ID != "" {
		if o.kind == KindPAT {
			p, err := sess.client.GetPAT(ctx, o.userID, r.ID)
			if err != nil {
				return output.TokenInfo{}, err
			}
			return patInfo(*p), nil
		}
		t, err := sess.client.GetSPAT(ctx, o.acct.ID, r.ID)
		if err != nil {
			return output.TokenInfo{}, err
		}
		return spatInfo(*t, o.acct), nil
	}
	list, err := s.tokens(ctx, sess, o, r.Name)
	if err != nil {
		return output.TokenInfo{}, err
	}
	return pick(list, o.kind, r)
}

// pick finds the one token a TokenRef means in list, in kongctl's words.
func pick(list []output.TokenInfo, kind string, r TokenRef) (output.TokenInfo, error) {
	var found []output.TokenInfo
	for _, t := range list {
		if (r.ID != "" && t.ID == r.ID) || (r.ID == "" && t.Name == r.Name) {
			found = append(found, t)
		}
	}
	label := r.Name
	if r.ID != "" {
		label = r.ID
	}
	switch len(found) {
	case 0:
		return output.TokenInfo{}, &LookupError{Kind: "not_found", Msg: fmt.Sprintf("%s %q not found", tokenNoun(kind), label)}
	case 1:
		return found[0], nil
	}
	return output.TokenInfo{}, &LookupError{Kind: "ambiguous", Msg: fmt.Sprintf("multiple %ss found with name %q; use an id", tokenNoun(kind), label)}
}

// ListTokens is kongctl's get pat|spat [id|name].
func (s *Service) ListTokens(ctx context.Context, c Caller, r *ListTokensRequest) (any, error) {
	if err := invalid(ownerProblems(r.TokenOwner)...); err != nil {
		return nil, err
	}
	if r.ID != "" && r.Name != "" {
		return nil, invalid("give a token id or a name, not both")
	}
	if r.PageSize < 0 {
		return nil, invalid(fmt.Sprintf("page size must be at least 1, got %d", r.PageSize))
	}
	sess, fm, err := s.identitySession(ctx, c, r.Format, output.KindGet)
	if err != nil {
		return nil, err
	}
	o, err := s.resolveOwner(ctx, sess, r.TokenOwner)
	if err != nil {
		return nil, err
	}
	columns := output.TokenColumns
	if r.Expiry {
		columns = output.TokenExpiryColumns
	}
	if r.ID != "" || r.Name != "" {
		t, err := s.lookup(ctx, sess, o, r.TokenRef)
		if err != nil {
			return nil, err
		}
		if fm == nil {
			return t, nil
		}
		return fm.render(ctx, output.TokenItem(t).WithColumns(columns))
	}
	list, err := s.tokensPaged(ctx, sess, o, "", r.PageSize)
	if err != nil {
		return nil, err
	}
	if fm == nil {
		if list == nil {
			list = []output.TokenInfo{}
		}
		return &TokenList{Data: list}, nil
	}
	return fm.render(ctx, output.Tokens(list).WithColumns(columns))
}

// DeleteToken is kongctl's delete pat|spat <id|name>.
func (s *Service) DeleteToken(ctx context.Context, c Caller, r *DeleteTokenRequest) (any, error) {
	problems := ownerProblems(r.TokenOwner)
	problems = append(problems, refProblem(r.TokenRef, "delete"))
	if r.Label != "" && (r.ID == "" || (r.Kind == KindPAT && r.UserID == "") || (r.Kind == KindSPAT && r.SystemAccountID == "")) {
		problems = append(problems, "label needs the token's id and its owner's id (userId or systemAccountId)")
	}
	if err := invalid(problems...); err != nil {
		return nil, err
	}
	sess, fm, err := s.identitySession(ctx, c, r.Format, output.KindDelete)
	if err != nil {
		return nil, err
	}
	var t output.TokenInfo
	var o *owner
	if r.Label != "" {
		// The second step of a confirmed delete: the caller looked the
		// token up (token/list) and asked; nothing is looked up again.
		o = &owner{kind: r.Kind, userID: r.UserID, acct: &konnect.SystemAccount{ID: r.SystemAccountID}}
		t = output.TokenInfo{ID: r.ID, Name: r.Label}
	} else {
		if o, err = s.resolveOwner(ctx, sess, r.TokenOwner); err != nil {
			return nil, err
		}
		if t, err = s.lookup(ctx, sess, o, r.TokenRef); err != nil {
			return nil, err
		}
	}
	if err := s.deleteToken(ctx, sess, o, t.ID); err != nil {
		return nil, err
	}
	s.audit(ctx, AuditEvent{Event: "delete", What: "token/delete", Profile: sess.Profile.Name, Kind: o.kind, TokenID: t.ID, Detail: t.Name})
	rec := output.DeleteRecord{Type: o.kind, ID: t.ID, Name: t.Name, Status: "deleted"}
	res := &DeleteResult{DeleteRecord: rec}
	var notes []string
	for _, e := range s.heldBy(ctx, t.ID) {
		if !r.Forget {
			res.Held = append(res.Held, e)
			continue
		}
		fr, err := s.Forget(ctx, c, &ForgetRequest{Account: e.Account})
		if err != nil {
			s.log.Warn("could not forget the entry of a deleted token", "account", e.Account, "error", err)
			res.Held = append(res.Held, e)
			continue
		}
		res.Forgot = append(res.Forgot, e.Account)
		notes = append(notes, fr.Message)
	}
	if fm == nil {
		return res, nil
	}
	v, err := fm.render(ctx, rec)
	if err != nil {
		return nil, err
	}
	txt := v.(Text)
	txt.Held, txt.Forgot = res.Held, notes
	return txt, nil
}

func (s *Service) deleteToken(ctx context.Context, sess *Session, o *owner, id string) error {
	if o.kind == KindPAT {
		return sess.client.DeletePAT(ctx, o.userID, id)
	}
	return sess.client.DeleteSPAT(ctx, o.acct.ID, id)
}

// RotateToken creates a token like an existing one, stores it when asked,
// then retires the old one. Each step that fails leaves a usable token and
// a StateError that says which: before the new token exists, the old one
// is untouched; after, the new one is in Created (with its secret unless
// it reached the keychain).
func (s *Service) RotateToken(ctx context.Context, c Caller, r *RotateTokenRequest) (any, error) {
	if r.Entry != "" || r.EntryProfile != "" {
		if err := s.fromEntry(ctx, &c, r); err != nil {
			return nil, err
		}
	}
	overlap, err := overlapOf(r.Overlap)
	if err != nil {
		return nil, err
	}
	problems := ownerProblems(r.TokenOwner)
	problems = append(problems, refProblem(r.TokenRef, "rotate"), expiryPresent(r.Expiry))
	if r.DeleteOld && r.Kind == KindSPAT {
		problems = append(problems, "deleteOld applies to pat only: a rotated spat is always deleted")
	}
	if err := invalid(problems...); err != nil {
		return nil, err
	}
	req, err := s.begin(ctx, c, r.Expiry, r.Store, r.Format)
	if err != nil {
		return nil, err
	}
	defer req.done()
	o, err := s.resolveOwner(ctx, req.sess, r.TokenOwner)
	if err != nil {
		return nil, err
	}
	old, err := s.lookup(ctx, req.sess, o, r.TokenRef)
	if err != nil {
		return nil, err
	}
	oldLabel := fmt.Sprintf("%s %q (%s)", old.Type, old.Name, old.ID)
	name := strings.TrimSpace(r.NewName)
	if name == "" {
		name = rotatedName(o.kind, old.Name, s.now().UTC().Format("20060102150405"))
	}
	action := "deleted"
	if o.kind == KindPAT && !r.DeleteOld {
		action = "revoked"
	}
	req.rotating = old.ID
	req.render = func(ctx context.Context, t *TokenCreated) (any, error) {
		return renderRotated(ctx, req.fm, &RotateResult{New: t, Old: old, OldAction: action})
	}

	var created *TokenCreated
	if o.kind == KindPAT {
		created, err = s.mintPAT(ctx, req, o.userID, name)
	} else {
		created, err = s.mintSPAT(ctx, req, o.acct, name)
	}
	if err != nil {
		state := fmt.Sprintf("nothing changed: the old %s still works", oldLabel)
		if errors.Is(err, konnect.ErrOutcomeUnknown) {
			state = fmt.Sprintf("the old %s is untouched and still works; a new %s %q may have been created (see the message) and is not stored", oldLabel, o.kind, name)
		}
		return nil, &StateError{Step: "create", Err: err, State: state}
	}

	if created, err = s.store(ctx, req, created); err != nil {
		var se *StateError
		if errors.As(err, &se) {
			se.State += fmt.Sprintf(". The old %s is untouched and still works", oldLabel)
		}
		return nil, err
	}
	kept, err := s.keepSecret(ctx, req, created)
	if err != nil {
		var se *StateError
		if errors.As(err, &se) {
			se.State += fmt.Sprintf(". The old %s is untouched and still works", oldLabel)
		}
		return nil, err
	}

	s.audit(ctx, AuditEvent{Event: "rotate", Profile: req.profile(), Account: req.account, Kind: o.kind, TokenID: created.ID, Detail: "successor of " + old.ID})
	if overlap > 0 {
		due, err := s.scheduleRetire(req, o, old, created, action, overlap)
		if err != nil {
			where := "its secret is in this error's data (created.token)"
			if created.Stored != nil {
				where = fmt.Sprintf("it is stored in the %s keychain as %s", created.Stored.Keychain, created.Stored.Account)
			} else {
				s.guard(ctx, req, created)
			}
			return nil, &StateError{Step: "schedule retirement", Err: err, Created: created,
				State: fmt.Sprintf("the new %s was created and works; %s. The old %s is still active and nothing will retire it: retire it with 'konnectd delete %s %s' once nothing uses it", created.label(), where, oldLabel, o.kind, old.ID)}
		}
		s.log.Info("rotated token; the old one is retired after the overlap", "kind", o.kind, "old", old.ID, "new", created.ID, "due", due)
		res := &RotateResult{New: created, Old: old, OldAction: "delete scheduled", RetireAt: output.FormatTime(due)}
		if action == "revoked" {
			res.OldAction = "revoke scheduled"
		}
		return s.answerRotated(ctx, req, res, kept)
	}
	step := "delete old token"
	if action == "revoked" {
		step = "revoke old token"
		_, err = req.sess.client.RevokePAT(ctx, o.userID, old.ID)
	} else {
		err = s.deleteToken(ctx, req.sess, o, old.ID)
	}
	if err == nil {
		s.audit(ctx, AuditEvent{Event: strings.TrimSuffix(action, "d"), Profile: req.profile(), Kind: o.kind, TokenID: old.ID, Detail: "rotated to " + created.ID})
	}
	if err != nil {
		where := "its secret is in this error's data (created.token)"
		switch {
		case created.Stored != nil:
			where = fmt.Sprintf("it is stored in the %s keychain as %s", created.Stored.Keychain, created.Stored.Account)
		case kept != "":
			where = kept
			created = created.withoutSecret()
		default:
			s.guard(ctx, req, created)
		}
		return nil, &StateError{Step: step, Err: err, Created: created,
			State: fmt.Sprintf("the new %s was created and works; %s. The old %s is still active: retire it with 'konnectd delete %s %s'", created.label(), where, oldLabel, o.kind, old.ID)}
	}
	s.log.Info("rotated token", "kind", o.kind, "old", old.ID, "new", created.ID, "old_action", action)
	return s.answerRotated(ctx, req, &RotateResult{New: created, Old: old, OldAction: action}, kept)
}

// answerRotated renders a rotation's answer. The successor's secret is
// kept if the rendering fails, and guarded until the reply is delivered
// unless it was kept already (kept says where).
func (s *Service) answerRotated(ctx context.Context, req *tokenRequest, res *RotateResult, kept string) (any, error) {
	v, err := renderRotated(ctx, req.fm, res)
	if err != nil {
		return nil, s.undelivered(ctx, req, res.New, "render", err)
	}
	if kept == "" {
		s.guard(ctx, req, res.New)
	}
	return withWarning(v, kept), nil
}

// rotatedSuffix is the timestamp rotatedName appends.
var rotatedSuffix = regexp.MustCompile(`-\d{14}$`)

// rotatedName keeps a PAT's name (Konnect allows duplicates there) and
// gives a SPAT, whose names are unique per account, a fresh timestamp.
func rotatedName(kind, old, stamp string) string {
	if kind == KindPAT {
		return old
	}
	return rotatedSuffix.ReplaceAllString(old, "") + "-" + stamp
}

// renderRotated prints a rotation: the new token as create prints it (so
// -o token and -o env work as for create), then the old one's fate.
func renderRotated(ctx context.Context, fm *formatter, r *RotateResult) (any, error) {
	if fm == nil {
		return r, nil
	}
	if fm.opts.HasFilter() || fm.opts.Output == output.JSON || fm.opts.Output == output.YAML {
		return fm.render(ctx, r)
	}
	v, err := renderCreated(ctx, fm, r.New)
	if err != nil {
		return nil, err
	}
	t := v.(Text)
	if fm.opts.Output == output.Text {
		switch r.OldAction {
		case "revoke scheduled", "delete scheduled":
			verb := strings.TrimSuffix(r.OldAction, " scheduled")
			t.Text += fmt.Sprintf("The old %s %q (%s) keeps working until %s; konnectd will %s it then\n", r.Old.Type, r.Old.Name, r.Old.ID, r.RetireAt, verb)
		case "deleted":
			t.Text += fmt.Sprintf("Deleted %s %q (%s)\n", r.Old.Type, r.Old.Name, r.Old.ID)
		default:
			t.Text += fmt.Sprintf("Revoked %s %q (%s)\n", r.Old.Type, r.Old.Name, r.Old.ID)
		}
	}
	return t, nil
}
