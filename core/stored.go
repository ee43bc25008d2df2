package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/output"
)

// StoredEntry is one of konnectd's keychain entries as keychain/list shows
// it: what it holds, never the secret.
type StoredEntry struct {
	Name    string `json:"name"`    // what users call it: the --store name, the profile, the token id of a recovered one
	Space   string `json:"space"`   // token (a --store name), profile (a profile's credential) or recovered
	Account string `json:"account"` // the keychain account
	keychain.Record
	// Present is false when the index has the entry but the keychain no
	// longer does (removed by another tool); such a record is dropped on
	// forget.
	Present bool `json:"present"`
	// DaysLeft is whole days until the token expires (rounded down,
	// negative once expired); absent when the expiry is unknown.
	DaysLeft *int `json:"daysLeft,omitempty"`
}

// StoredList is keychain/list's answer without a format.
type StoredList struct {
	Keychain string        `json:"keychain"` // system or file
	Index    string        `json:"index"`    // the index file
	Data     []StoredEntry `json:"data"`
}

// storedColumns is get stored's text table.
var storedColumns = []output.Column{
	{Header: "NAME", Field: "name"}, {Header: "SPACE", Field: "space"}, {Header: "KIND", Field: "kind"},
	{Header: "TOKEN ID", Field: "token_id"}, {Header: "PROFILE", Field: "profile"},
	{Header: "EXPIRES AT", Field: "expires_at"}, {Header: "DAYS LEFT", Field: "days_left"}, {Header: "SOURCE", Field: "source"},
}

func (s *Service) needIndex() error {
	if s.keys == nil {
		return errNoKeychain
	}
	if s.index == nil {
		return errors.New("this daemon keeps no keychain index, so it cannot list what it stored")
	}
	return nil
}

// ListStored lists konnectd's keychain entries from the index, each
// checked against the keychain (a secret another tool removed shows as
// not present). Probe entries are never listed.
func (s *Service) ListStored(ctx context.Context, c Caller, f *Format) (any, error) {
	if err := s.needIndex(); err != nil {
		return nil, err
	}
	fm, err := s.prepare(f, output.KindGet, "", "")
	if err != nil {
		return nil, err
	}
	recs, err := s.index.List(ctx)
	if err != nil {
		return nil, err
	}
	out := &StoredList{Keychain: s.keys.Kind(), Index: s.index.Path(), Data: []StoredEntry{}}
	for _, r := range recs {
		name, space := keychain.AccountName(r.Account)
		if space == "probe" {
			continue
		}
		e := StoredEntry{Name: name, Space: space, Account: r.Account, Record: r, Present: true}
		if d, ok := DaysLeft(r.ExpiresAt, s.now()); ok {
			e.DaysLeft = &d
		}
		if _, err := s.keys.Get(ctx, r.Account); errors.Is(err, keychain.ErrNotFound) {
			e.Present = false
		} else if err != nil {
			return nil, err // a locked keychain: say so rather than guess
		}
		out.Data = append(out.Data, e)
	}
	if fm == nil {
		return out, nil
	}
	if fm.opts.Output != output.Text || fm.opts.HasFilter() {
		return fm.render(ctx, output.Listing{Columns: storedColumns, Value: out.Data})
	}
	// The table says "unknown" where Konnect never told konnectd the id
	// (a login's token), and marks an entry the keychain lost.
	rows := make([]map[string]string, len(out.Data))
	for i, e := range out.Data {
		id := e.TokenID
		if id == "" {
			id = "unknown"
		}
		name := e.Name
		if !e.Present {
			name += " (missing)"
		}
		days := ""
		switch {
		case e.DaysLeft == nil:
		case *e.DaysLeft < 0 || (e.ExpiresAt != "" && !s.expiresAfterNow(e.ExpiresAt)):
			days = "expired"
		default:
			days = fmt.Sprint(*e.DaysLeft)
		}
		rows[i] = map[string]string{"name": name, "space": e.Space, "kind": e.Kind, "token_id": id,
			"profile": e.Profile, "expires_at": e.ExpiresAt, "days_left": days, "source": e.Source}
	}
	return fm.render(ctx, output.Listing{Columns: storedColumns, Value: rows})
}

// ForgetRequest is keychain/forget: one entry, by the name get stored
// shows (with its space when a name is ambiguous) or by account.
type ForgetRequest struct {
	Name    string `json:"name,omitempty"`
	Account string `json:"account,omitempty"`
}

// ForgetResult is keychain/forget's answer.
type ForgetResult struct {
	Account string `json:"account"`
	Removed bool   `json:"removed"` // the keychain held a secret there, and no longer does
	// Held is what the entry held, when konnectd knew.
	Held    *keychain.Record `json:"held,omitempty"`
	Message string           `json:"message"`
}

// resolveStored turns a name into an account: "token:x"-style accounts
// are taken as they are; a bare name is a --store name when the index
// (or the keychain) has token:<name>, else a recovered token's id, else a
// profile.
func (s *Service) resolveStored(ctx context.Context, name string) string {
	if _, space := keychain.AccountName(name); space != "profile" || strings.HasPrefix(name, "profile:") {
		return name
	}
	for _, acct := range []string{keychain.NamedAccount(name), keychain.RecoveredAccount(name)} {
		if _, ok := s.indexRecord(ctx, acct); ok {
			return acct
		}
		if _, err := s.keys.Get(ctx, acct); err == nil {
			return acct
		}
	}
	return keychain.ProfileAccount(name)
}

// Forget removes one of konnectd's keychain entries and its record. The
// token it held is not touched in Konnect: the answer says which it was.
func (s *Service) Forget(ctx context.Context, c Caller, r *ForgetRequest) (*ForgetResult, error) {
	if (r.Name == "") == (r.Account == "") {
		return nil, invalid("exactly one of name or account is required")
	}
	if s.keys == nil {
		return nil, errNoKeychain
	}
	acct := r.Account
	if acct == "" {
		acct = s.resolveStored(ctx, r.Name)
	}
	rec, known := s.indexRecord(ctx, acct)
	err := s.keys.Delete(ctx, acct)
	if err != nil && !errors.Is(err, keychain.ErrNotFound) {
		return nil, err
	}
	res := &ForgetResult{Account: acct, Removed: err == nil}
	if known {
		res.Held = &rec
	}
	if s.index != nil {
		if ierr := s.index.Delete(ctx, acct); ierr != nil {
			s.log.Warn("keychain index not updated", "account", acct, "error", ierr)
		}
	}
	switch {
	case !res.Removed && !known:
		return nil, &LookupError{Kind: "not_found", Msg: fmt.Sprintf("no keychain entry %s: %s lists what konnectd stored", acct, s.listCommand(c.Face))}
	case !res.Removed:
		res.Message = fmt.Sprintf("Forgot %s (the keychain no longer had it)", acct)
	default:
		res.Message = fmt.Sprintf("Forgot %s, which held %s", acct, describe(rec, known))
	}
	if known && rec.TokenID != "" && res.Removed {
		res.Message += "; the token itself was not deleted in Konnect"
	}
	s.log.Info("forgot keychain entry", "account", acct, "removed", res.Removed)
	s.audit(ctx, AuditEvent{Event: "forget", What: "keychain/forget", Account: acct, Profile: rec.Profile, Kind: rec.Kind, TokenID: rec.TokenID})
	s.Kick()
	return res, nil
}

// StoredSecret is keychain/secret's answer: the one secret of a stored
// entry, for its owner's terminal.
type StoredSecret struct {
	Account string `json:"account"`
	Secret  string `json:"secret"`
}

// Secret reads one stored entry's secret. Only the RPC face offers it, to
// the daemon's own user (the same guard as auth/credential).
func (s *Service) Secret(ctx context.Context, r *ForgetRequest) (*StoredSecret, error) {
	if (r.Name == "") == (r.Account == "") {
		return nil, invalid("exactly one of name or account is required")
	}
	if s.keys == nil {
		return nil, errNoKeychain
	}
	acct := r.Account
	if acct == "" {
		acct = s.resolveStored(ctx, r.Name)
	}
	if _, space := keychain.AccountName(acct); space == "probe" {
		return nil, invalid("probe entries hold no token")
	}
	v, err := s.keys.Get(ctx, acct)
	if err != nil {
		return nil, err
	}
	ev := AuditEvent{Event: "hand-out", What: "keychain/secret", Account: acct}
	if rec, ok := s.indexRecord(ctx, acct); ok {
		ev.Profile, ev.Kind, ev.TokenID = rec.Profile, rec.Kind, rec.TokenID
	}
	s.audit(ctx, ev)
	return &StoredSecret{Account: acct, Secret: v}, nil
}

// CredentialRecord is konnectd's record of profile's keychain credential:
// which Konnect token it is and until when, as far as konnectd knows. It is
// the hook for watching expiry and rotating a profile's credential.
func (s *Service) CredentialRecord(ctx context.Context, profile string) (keychain.Record, bool) {
	return s.indexRecord(ctx, keychain.ProfileAccount(profile))
}

// StoredRecords lists every record of the keychain index (probe entries
// left out), for code that watches what konnectd stored.
func (s *Service) StoredRecords(ctx context.Context) ([]keychain.Record, error) {
	if err := s.needIndex(); err != nil {
		return nil, err
	}
	recs, err := s.index.List(ctx)
	out := recs[:0]
	for _, r := range recs {
		if _, space := keychain.AccountName(r.Account); space != "probe" {
			out = append(out, r)
		}
	}
	return out, err
}

// heldBy lists the entries whose record says they hold token id.
func (s *Service) heldBy(ctx context.Context, id string) []StoredEntry {
	if s.index == nil || id == "" {
		return nil
	}
	recs, err := s.index.List(ctx)
	if err != nil {
		s.log.Warn("keychain index unreadable", "error", err)
		return nil
	}
	var out []StoredEntry
	for _, r := range recs {
		if r.TokenID == id {
			name, space := keychain.AccountName(r.Account)
			out = append(out, StoredEntry{Name: name, Space: space, Account: r.Account, Record: r, Present: true})
		}
	}
	return out
}

// expiresAfterNow reports whether expiresAt is still ahead.
func (s *Service) expiresAfterNow(expiresAt string) bool {
	t, err := time.Parse(time.RFC3339Nano, expiresAt)
	return err == nil && t.After(s.now())
}
