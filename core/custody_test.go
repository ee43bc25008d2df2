package core_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/internal/testkeyring"
	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/konnect/emulator"
)

func TestMain(m *testing.M) { os.Exit(testkeyring.Main(m)) }

// failingStore is the real keychain with its writes failing for the
// accounts fail picks: the injected "keychain set" failure.
type failingStore struct {
	keychain.Store
	fail func(account string) bool
}

var errInjected = errors.New("injected keychain failure")

func (f failingStore) Set(ctx context.Context, account, secret string) error {
	if f.fail(account) {
		return &keychain.Error{Op: "set", Account: account, Err: errInjected}
	}
	return f.Store.Set(ctx, account, secret)
}

// syncBuffer is a log sink the service writes from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestCreateCustodyProperty: for every failure injected after Konnect
// answered 201 — rendering, a jq filter that passes the dry run and fails
// on the real record, the keychain write (with and without a working
// keychain for the recovery), the reply that never reaches the client —
// with and without a store, for pats and spats, the secret is recoverable
// (with the caller, or in the keychain as recovered:<id>), it works, and it
// is in no log line or error message. Afterwards no ACTIVE token is held
// by nobody.
func TestCreateCustodyProperty(t *testing.T) {
	testkeyring.Shared(t)
	real, err := keychain.Open(keychain.Options{Service: "konnectd-custody-test-" + fmt.Sprint(os.Getpid())})
	if err != nil {
		t.Fatal(err)
	}
	late := `if .id == "` + core.PlaceholderID + `" then . else error("late") end`
	jq := func(e string) *core.Format { return &core.Format{Output: "json", JQ: &e} }

	type failure struct {
		name   string
		format *core.Format
		render bool                             // rendering the real answer fails
		fail   func() func(account string) bool // keychain writes that fail, per case
		drop   bool                             // the reply is not delivered
		store  []bool                           // with and without a store
	}
	none := func() func(string) bool { return func(string) bool { return false } }
	allButProbe := func() func(string) bool { return func(a string) bool { return !strings.HasPrefix(a, "probe:") } }
	// The keychain fails for the store and the first recovery, then works
	// again: the reply that carried the secret is the one dropped.
	backLater := func() func(string) bool {
		var mu sync.Mutex
		n := 0
		return func(a string) bool {
			if strings.HasPrefix(a, "probe:") {
				return false
			}
			mu.Lock()
			defer mu.Unlock()
			n++
			return n <= 2
		}
	}
	both := []bool{false, true}
	n := 0
	failures := []failure{
		{name: "render", format: &core.Format{Output: "json"}, render: true, fail: none, store: both},
		{name: "jq", format: jq(late), fail: none, store: both},
		{name: "jq raw", format: &core.Format{Output: "json", JQ: &late, RawOutput: true}, fail: none, store: []bool{false}},
		{name: "keychain set", format: &core.Format{}, fail: func() func(string) bool { return func(a string) bool { return strings.HasPrefix(a, "token:") } }, store: []bool{true}},
		{name: "keychain set and recovery", format: &core.Format{}, fail: allButProbe, store: []bool{true}},
		{name: "render, keychain down", format: &core.Format{Output: "yaml"}, render: true, fail: allButProbe, store: []bool{false}},
		{name: "reply dropped", format: &core.Format{Output: "text"}, fail: none, drop: true, store: both},
		{name: "reply dropped, no format", fail: none, drop: true, store: both},
		{name: "reply of the error dropped", format: &core.Format{}, fail: backLater, drop: true, store: []bool{true}},
	}
	for _, fl := range failures {
		for _, kind := range []string{core.KindPAT, core.KindSPAT} {
			for _, store := range fl.store {
				t.Run(fmt.Sprintf("%s/%s/store=%v", fl.name, kind, store), func(t *testing.T) {
					emu, err := emulator.New(emulator.Options{Strict: true})
					if err != nil {
						t.Fatal(err)
					}
					base, err := emu.Start("127.0.0.1:0")
					if err != nil {
						t.Fatal(err)
					}
					defer emu.Close()
					f, err := config.Parse("config.yaml", []byte("default:\n  konnect:\n    base-url: "+base+"\n"))
					if err != nil {
						t.Fatal(err)
					}
					caller := core.Caller{Env: config.Env{"KONGCTL_DEFAULT_KONNECT_PAT": emu.AdminToken()}}
					n++
					name := fmt.Sprintf("custody-%d", n)
					logs := &syncBuffer{}
					index, _ := keychain.OpenIndex(filepath.Join(t.TempDir(), keychain.IndexFile))
					svc := core.New(core.Options{Config: fixedConfig{f}, Keychain: failingStore{real, fl.fail()}, Index: index,
						Log: slog.New(slog.NewTextHandler(logs, nil))})
					if fl.render {
						core.SetRenderFault(svc, func() error { return errors.New("injected render failure") })
					}
					var st *core.StoreTarget
					if store {
						st = &core.StoreTarget{Name: name}
					}
					ctx, h := core.WithHandoff(context.Background())
					var v any
					if kind == core.KindPAT {
						v, err = svc.CreatePersonalToken(ctx, caller, &core.CreatePATRequest{Name: name, Expiry: core.Expiry{ExpiresIn: "30d"}, Store: st, Format: fl.format})
					} else {
						v, err = svc.CreateSystemAccountToken(ctx, caller, &core.CreateSPATRequest{Name: name, AccountRef: core.AccountRef{SystemAccountName: "ci-deployer"}, Expiry: core.Expiry{ExpiresIn: "30d"}, Store: st, Format: fl.format})
					}
					if fl.drop {
						h.Failed()
					}
					id := lastCreated(t, emu, name)
					secret := ""
					var se *core.StateError
					isState := errors.As(err, &se)
					switch {
					case isState && se.Recovery != nil && se.Recovery.In == "reply" && !fl.drop:
						secret = se.Created.(*core.TokenCreated).Token // with the caller
					case err == nil && !fl.drop && !store:
						t.Fatalf("no failure happened: %T", v)
					default:
						acct := keychain.RecoveredAccount(id)
						if store && (err == nil || (isState && se.Recovery == nil)) {
							acct = keychain.NamedAccount(name) // stored as asked; only the answer failed
						}
						if secret, err = real.Get(context.Background(), acct); err != nil {
							t.Fatalf("the secret is neither with the caller nor under %s: %v", acct, err)
						}
						if r, ok, _ := index.Get(context.Background(), acct); !ok || r.TokenID != id || r.Kind != kind {
							t.Fatalf("no index record of %s: %+v", acct, r)
						}
					}
					works(t, base, kind, secret)
					if err != nil && strings.Contains(err.Error(), secret) || redact.Contains(logs.String()) {
						t.Fatalf("the secret leaked into the error or the log:\n%s", redact.String(logs.String()))
					}
					if n := len(emu.CreatedTokens()); n != 1 {
						t.Fatalf("%d tokens created, want 1", n)
					}
				})
			}
		}
	}
}

func redactErr(err error) string {
	if err == nil {
		return ""
	}
	return redact.String(err.Error())
}

// lastCreated is the id of the token the emulator minted under name.
func lastCreated(t *testing.T, emu *emulator.Emulator, name string) string {
	t.Helper()
	for _, c := range emu.CreatedTokens() {
		if c.Name == name {
			return c.ID
		}
	}
	t.Fatalf("no token %q was created", name)
	return ""
}

// works checks that Konnect accepts secret.
func works(t *testing.T, base, kind, secret string) {
	t.Helper()
	kc, err := konnect.New(konnect.Options{BaseURL: base, Token: secret})
	if err != nil {
		t.Fatal(err)
	}
	if kind == core.KindPAT {
		_, err = kc.Me(context.Background())
	} else {
		_, err = kc.Organization(context.Background())
	}
	if err != nil {
		t.Fatalf("the recovered %s does not work: %v", kind, err)
	}
}

// sneakyStore is the real keychain where another program writes account
// right after konnectd's write check: the entry is taken while the token
// is being created.
type sneakyStore struct {
	keychain.Store
	account string
}

func (s sneakyStore) Delete(ctx context.Context, account string) error {
	err := s.Store.Delete(ctx, account)
	if strings.HasPrefix(account, "probe:") {
		_ = s.Store.Set(ctx, s.account, "written by someone else")
	}
	return err
}

// TestCreateNeverOverwritesAnEntry: two creates into one free entry at
// once store one token and refuse the other before it is created; an entry
// another process fills while the token is created is left alone and the
// new token is kept under recovered:<id>.
func TestCreateNeverOverwritesAnEntry(t *testing.T) {
	testkeyring.Shared(t)
	real, err := keychain.Open(keychain.Options{Service: "konnectd-custody-race-" + fmt.Sprint(os.Getpid())})
	if err != nil {
		t.Fatal(err)
	}
	emu, err := emulator.New(emulator.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	base, err := emu.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	f, err := config.Parse("config.yaml", []byte("default:\n  konnect:\n    base-url: "+base+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := struct {
		emu    *emulator.Emulator
		caller core.Caller
	}{emu, core.Caller{Env: config.Env{"KONGCTL_DEFAULT_KONNECT_PAT": emu.AdminToken()}}}
	index, _ := keychain.OpenIndex(filepath.Join(t.TempDir(), keychain.IndexFile))
	svc := core.New(core.Options{Config: fixedConfig{f}, Keychain: real, Index: index})

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = svc.CreatePersonalToken(context.Background(), r.caller, &core.CreatePATRequest{Name: fmt.Sprintf("race %d", i), Expiry: core.Expiry{ExpiresIn: "30d"}, Store: &core.StoreTarget{Name: "race"}})
		}()
	}
	wg.Wait()
	var ve *core.ValidationError
	if (errs[0] == nil) == (errs[1] == nil) || !(errors.As(errs[0], &ve) || errors.As(errs[1], &ve)) {
		t.Fatalf("two creates into one entry: %v / %v; want one stored, one refused", errs[0], errs[1])
	}
	if n := len(r.emu.CreatedTokens()); n != 1 {
		t.Fatalf("%d tokens created, want 1", n)
	}

	sneaky := core.New(core.Options{Config: fixedConfig{f}, Keychain: sneakyStore{real, "token:sneaky"}, Index: index})
	_, err = sneaky.CreatePersonalToken(context.Background(), r.caller, &core.CreatePATRequest{Name: "sneaky", Expiry: core.Expiry{ExpiresIn: "30d"}, Store: &core.StoreTarget{Name: "sneaky"}})
	var se *core.StateError
	if !errors.As(err, &se) || se.Recovery == nil || se.Recovery.In != "keychain" {
		t.Fatalf("an entry taken meanwhile: %v", redactErr(err))
	}
	if v, _ := real.Get(context.Background(), "token:sneaky"); v != "written by someone else" {
		t.Fatal("the entry another program wrote was overwritten")
	}
	if v, err := real.Get(context.Background(), se.Recovery.Account); err != nil || !strings.HasPrefix(v, "kpat_") {
		t.Fatalf("the new token is not under %s: %v", se.Recovery.Account, err)
	}
}
