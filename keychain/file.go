package keychain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/konnectd/konnectd/internal/privfile"
)

// fileStore keeps secrets in plaintext JSON:
//
//	{"version": 1, "services": {"konnectd": {"<account>": "<secret>"}}}
type fileStore struct {
	path    string
	service string
	mu      sync.Mutex // serializes read-modify-write within the process
}

type fileData struct {
	Version  int                          `json:"version"`
	Services map[string]map[string]string `json:"services"`
}

const fileVersion = 1

func newFileStore(path, service string) *fileStore {
	return &fileStore{path: path, service: service}
}

func (f *fileStore) Kind() string { return KindFile }

func (f *fileStore) Where(account string) string {
	return fmt.Sprintf("%s, account %q", f.path, account)
}

func (f *fileStore) Get(ctx context.Context, account string) (string, error) {
	if err := f.begin(ctx, "get", account); err != nil {
		return "", err
	}
	defer f.mu.Unlock()
	d, err := f.load("get", account)
	if err != nil {
		return "", err
	}
	s, ok := d.Services[f.service][account]
	if !ok {
		return "", &Error{Op: "get", Account: account, Kind: ErrNotFound, Hint: hintNotFound}
	}
	return s, nil
}

func (f *fileStore) Set(ctx context.Context, account, secret string) error {
	if secret == "" {
		return &Error{Op: "set", Account: account, Err: errors.New("empty secret")}
	}
	if err := checkSize("set", account, "the file store", secret, defaultMaxSecret); err != nil {
		return err
	}
	if err := f.begin(ctx, "set", account); err != nil {
		return err
	}
	defer f.mu.Unlock()
	d, err := f.load("set", account)
	if err != nil {
		return err
	}
	if d.Services[f.service] == nil {
		d.Services[f.service] = map[string]string{}
	}
	d.Services[f.service][account] = secret
	return f.save("set", account, d)
}

func (f *fileStore) Delete(ctx context.Context, account string) error {
	if err := f.begin(ctx, "delete", account); err != nil {
		return err
	}
	defer f.mu.Unlock()
	d, err := f.load("delete", account)
	if err != nil {
		return err
	}
	if _, ok := d.Services[f.service][account]; !ok {
		return &Error{Op: "delete", Account: account, Kind: ErrNotFound, Hint: hintNotFound}
	}
	delete(d.Services[f.service], account)
	if len(d.Services[f.service]) == 0 {
		delete(d.Services, f.service)
	}
	return f.save("delete", account, d)
}

// begin checks the arguments and the context, and takes the lock.
func (f *fileStore) begin(ctx context.Context, op, account string) error {
	if err := checkAccount(op, account); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return ctxErr(op, account, err)
	}
	f.mu.Lock()
	return nil
}

// load reads the file; a missing file is an empty store. A file that others
// may read is refused: its secrets may already be exposed, and carrying on
// would hide that.
func (f *fileStore) load(op, account string) (*fileData, error) {
	d := &fileData{Version: fileVersion, Services: map[string]map[string]string{}}
	fh, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return d, nil
	}
	if err != nil {
		return nil, &Error{Op: op, Account: account, Err: err}
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, &Error{Op: op, Account: account, Err: err}
	}
	if err := checkPrivate(f.path, fi); err != nil {
		return nil, &Error{Op: op, Account: account, Err: err}
	}
	if err := json.NewDecoder(fh).Decode(d); err != nil {
		// The decoder's message quotes no input, so no secret leaks here.
		return nil, &Error{Op: op, Account: account, Err: fmt.Errorf("read %s: %w", f.path, err)}
	}
	if d.Version != fileVersion {
		return nil, &Error{Op: op, Account: account, Err: fmt.Errorf("%s has version %d; this konnectd reads version %d", f.path, d.Version, fileVersion)}
	}
	if d.Services == nil {
		d.Services = map[string]map[string]string{}
	}
	return d, nil
}

// save replaces the file atomically: a crash leaves the old file or the new
// one, never half of either.
func (f *fileStore) save(op, account string, d *fileData) error {
	wrap := func(err error) error { return &Error{Op: op, Account: account, Err: err} }
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return wrap(err)
	}
	if err := privfile.Write(f.path, b); err != nil {
		return wrap(err)
	}
	return nil
}
