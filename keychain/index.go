package keychain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/konnectd/konnectd/internal/privfile"
)

// Record is what konnectd knows about one keychain entry, without its
// secret: which token it holds, whose, until when, and how it got there.
// It lives in the Index, beside the keychain rather than in it, so that the
// entry itself stays the raw token that `secret-tool lookup service
// konnectd username <account>` prints, and so that entries can be listed
// (go-keyring cannot enumerate a keychain).
//
// The fields are filled by whoever stores the entry; this package only
// keeps them. An empty TokenID means the token's id is unknown (a token
// given to konnectd login, whose id Konnect does not tell its holder).
type Record struct {
	Account           string `json:"account"`                     // the keychain account, e.g. token:deploy-bot
	Kind              string `json:"kind"`                        // pat, spat, or token (a kongctl login token)
	TokenID           string `json:"token_id,omitempty"`          // Konnect's id of the token; "" when unknown
	TokenName         string `json:"token_name,omitempty"`        // the token's name in Konnect
	UserID            string `json:"user_id,omitempty"`           // a PAT's owner
	SystemAccountID   string `json:"system_account_id,omitempty"` // a SPAT's owner
	SystemAccountName string `json:"system_account_name,omitempty"`
	Profile           string `json:"profile,omitempty"`    // the kongctl profile it was created with, or that it is the credential of
	CreatedAt         string `json:"created_at,omitempty"` // when Konnect created the token (RFC 3339)
	ExpiresAt         string `json:"expires_at,omitempty"` // when it stops working (RFC 3339); "" when unknown
	StoredAt          string `json:"stored_at"`            // when konnectd wrote the entry (RFC 3339)
	Source            string `json:"source"`               // SourceCreated, SourceLogin, SourceImported or SourceRecovered
	// IDFrom says how TokenID was learnt when konnectd did not create the
	// token: IDFromLastUsed, matched by the expiry watch. "" otherwise.
	IDFrom string `json:"id_from,omitempty"`
}

// IDFromLastUsed: a login's token id, matched to the user's PAT whose
// last_used_at the lookup itself moved.
const IDFromLastUsed = "last-used"

// Sources of a Record.
const (
	SourceCreated   = "created"   // konnectd created the token and stored it as asked
	SourceLogin     = "login"     // the user gave the token to konnectd login
	SourceImported  = "imported"  // auth/import copied it from a plaintext file
	SourceRecovered = "recovered" // a created token whose delivery failed, kept under recovered:<id>
)

// Index keeps a Record per keychain account in a JSON file of mode 0600:
//
//	{"version": 1, "entries": {"<account>": {...}}}
//
// It holds no secret, but it names tokens and their owners, so it is kept
// as private as the file store. Writes are atomic (temporary file and
// rename) and serialized within the process and, where the platform has
// flock(2), across processes (the daemon and konnectd mcp share one index),
// by a lock on "<path>.lock". A missing file is an empty index.
//
// The index can disagree with the keychain: an entry written by another
// tool, or deleted behind konnectd's back. Callers treat it as what
// konnectd stored, and check the keychain itself where it matters.
type Index struct {
	path string
	mu   sync.Mutex
}

type indexData struct {
	Version int               `json:"version"`
	Entries map[string]Record `json:"entries"`
}

const indexVersion = 1

// IndexFile is the index's file name, kept beside the config file (or the
// file store's file) the daemon uses.
const IndexFile = "konnectd-keychain-index.json"

// OpenIndex returns the index kept at path. It does not touch the file.
func OpenIndex(path string) (*Index, error) {
	if path == "" {
		return nil, errors.New("keychain index: a path is required")
	}
	return &Index{path: path}, nil
}

// Path is the index's file.
func (x *Index) Path() string { return x.path }

// Get returns account's record; ok is false when the index has none.
func (x *Index) Get(ctx context.Context, account string) (r Record, ok bool, err error) {
	err = x.read(ctx, func(d *indexData) { r, ok = d.Entries[account] })
	return r, ok, err
}

// List returns every record, sorted by account.
func (x *Index) List(ctx context.Context) ([]Record, error) {
	var out []Record
	err := x.read(ctx, func(d *indexData) {
		for _, r := range d.Entries {
			out = append(out, r)
		}
	})
	slices.SortFunc(out, func(a, b Record) int {
		switch {
		case a.Account < b.Account:
			return -1
		case a.Account > b.Account:
			return 1
		}
		return 0
	})
	return out, err
}

// Put stores r under r.Account, replacing any earlier record.
func (x *Index) Put(ctx context.Context, r Record) error {
	if r.Account == "" {
		return errors.New("keychain index: a record needs an account")
	}
	return x.update(ctx, func(d *indexData) bool { d.Entries[r.Account] = r; return true })
}

// Delete removes account's record; it is not an error if there was none.
func (x *Index) Delete(ctx context.Context, account string) error {
	return x.update(ctx, func(d *indexData) bool {
		if _, ok := d.Entries[account]; !ok {
			return false
		}
		delete(d.Entries, account)
		return true
	})
}

func (x *Index) read(ctx context.Context, f func(*indexData)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	unlock, err := lockFile(x.path+".lock", false)
	if err != nil {
		return fmt.Errorf("keychain index: %w", err)
	}
	defer unlock()
	d, err := x.load()
	if err != nil {
		return err
	}
	f(d)
	return nil
}

// update runs f on the current data under the lock and saves when f says
// it changed something.
func (x *Index) update(ctx context.Context, f func(*indexData) bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(x.path), 0o700); err != nil {
		return fmt.Errorf("keychain index: %w", err)
	}
	unlock, err := lockFile(x.path+".lock", true)
	if err != nil {
		return fmt.Errorf("keychain index: %w", err)
	}
	defer unlock()
	d, err := x.load()
	if err != nil {
		return err
	}
	if !f(d) {
		return nil
	}
	return x.save(d)
}

func (x *Index) load() (*indexData, error) {
	d := &indexData{Version: indexVersion, Entries: map[string]Record{}}
	fh, err := os.Open(x.path)
	if errors.Is(err, fs.ErrNotExist) {
		return d, nil
	}
	if err != nil {
		return nil, fmt.Errorf("keychain index: %w", err)
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("keychain index: %w", err)
	}
	if err := checkPrivate(x.path, fi); err != nil {
		return nil, fmt.Errorf("keychain index: %w", err)
	}
	if err := json.NewDecoder(fh).Decode(d); err != nil {
		return nil, fmt.Errorf("keychain index: read %s: %w", x.path, err)
	}
	if d.Version != indexVersion {
		return nil, fmt.Errorf("keychain index: %s has version %d; this konnectd reads version %d", x.path, d.Version, indexVersion)
	}
	if d.Entries == nil {
		d.Entries = map[string]Record{}
	}
	return d, nil
}

func (x *Index) save(d *indexData) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("keychain index: %w", err)
	}
	if err := privfile.Write(x.path, b); err != nil {
		return fmt.Errorf("keychain index: write %s: %w", x.path, err)
	}
	return nil
}
