package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/konnectd/konnectd/konnect/spec"
)

// Options configure an Emulator. The zero value is the seeded organization
// of the filtering doc.
type Options struct {
	// Users grows the organization to this many users (generated after the
	// seeded ones) for benchmarks.
	Users int
	// Seed replaces the default organization (JSON; see the README of
	// `konnectd emulator --help`). SeedFile is read when Seed is nil.
	Seed     io.Reader
	SeedFile string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Strict validates every request and response against the official
	// spec and records what does not conform (see Violations).
	Strict bool
	// ControlPlanes seeds this many control planes (cp-01, cp-02, …,
	// created a second apart), for paging tests.
	ControlPlanes int
	// Start, when set, is the time the emulator's clock reads at New (it
	// ticks on from there), so the admin PAT is created at that time.
	Start time.Time
	// RevokeGrace is how long a revoked PAT keeps working: 0 means
	// DefaultRevokeGrace (Konnect's 15 minutes), a negative value none.
	RevokeGrace time.Duration
}

// Emulator is one in-memory organization. Safe for concurrent use.
type Emulator struct {
	now    func() time.Time // clock.now
	clock  clock
	grace  time.Duration
	mux    *http.ServeMux
	ops    map[string]string // mux pattern → operationId
	strict *spec.Recorder

	mu       sync.Mutex
	org      organization
	users    []*user
	teams    []*team
	accounts []*systemAccount
	roles    map[string][]assignedRole
	// accountTeams: system account id → the ids of its teams.
	accountTeams map[string][]string
	pats         map[string][]*pat  // by user id
	spats        map[string][]*spat // by account id
	tokens       map[string]principal
	created      []CreatedToken
	counts       map[string]int
	admin        string

	controlPlanes []*controlPlane
	log           []LoggedRequest

	faultMu sync.Mutex
	faults  Faults
	served  int

	srvMu sync.Mutex
	srv   *http.Server
}

// CreatedToken records a token minted through the API, without its secret.
type CreatedToken struct {
	Kind    string // "pat" or "spat"
	ID      string
	Name    string
	OwnerID string // user id or system account id
	// Secret is the token's value, so a test can check that it went
	// where it should and nowhere else. Never print it.
	Secret string
}

// String leaves the secret out, so a test that prints what was created
// (%v, %+v) does not print it.
func (c CreatedToken) String() string {
	return fmt.Sprintf("{Kind:%s ID:%s Name:%s OwnerID:%s Secret:[%d bytes]}", c.Kind, c.ID, c.Name, c.OwnerID, len(c.Secret))
}

// GoString is String, for %#v.
func (c CreatedToken) GoString() string { return c.String() }

// New builds an emulator; it does not listen (see Start and Handler).
func New(o Options) (*Emulator, error) {
	s := defaultSeed()
	switch {
	case o.Seed != nil:
		var err error
		if s, err = readSeed(o.Seed); err != nil {
			return nil, err
		}
	case o.SeedFile != "":
		f, err := os.Open(o.SeedFile)
		if err != nil {
			return nil, fmt.Errorf("open seed: %w", err)
		}
		defer f.Close()
		if s, err = readSeed(f); err != nil {
			return nil, err
		}
	}
	s.grow(o.Users)
	e := &Emulator{
		org: s.Organization, roles: s.Roles, accountTeams: s.SystemAccountTeams, grace: revokeGrace(o.RevokeGrace),
		pats: map[string][]*pat{}, spats: map[string][]*spat{}, tokens: map[string]principal{},
		counts: map[string]int{},
	}
	e.clock.base = o.Now
	if e.clock.base == nil {
		e.clock.base = time.Now
	}
	e.now = e.clock.now
	if !o.Start.IsZero() {
		e.SetClock(o.Start)
	}
	if e.roles == nil {
		e.roles = map[string][]assignedRole{}
	}
	for i := range s.Users {
		e.users = append(e.users, &s.Users[i])
	}
	for i := range s.Teams {
		e.teams = append(e.teams, &s.Teams[i])
	}
	for i := range s.SystemAccounts {
		e.accounts = append(e.accounts, &s.SystemAccounts[i])
	}
	if e.findUser(e.org.OwnerID) == nil {
		return nil, fmt.Errorf("seed: owner %s is not one of the users", e.org.OwnerID)
	}
	// The admin PAT is a real token of the owner, listed like any other.
	now := e.now()
	e.admin = newPATSecret()
	p := &pat{ID: newID(), UserID: e.org.OwnerID, Name: "emulator admin", CreatedAt: now, UpdatedAt: now,
		ExpiresAt: now.Add(365 * 24 * time.Hour)}
	e.pats[p.UserID] = append(e.pats[p.UserID], p)
	e.tokens[e.admin] = principal{userID: p.UserID, tokenID: p.ID}
	if o.Strict {
		rec, err := spec.NewRecorder()
		if err != nil {
			return nil, err
		}
		e.strict = rec
	}
	base := now.Add(-time.Duration(o.ControlPlanes) * time.Second)
	for i := range o.ControlPlanes {
		e.controlPlanes = append(e.controlPlanes, newControlPlane(seqID('c', i+1), fmt.Sprintf("cp-%02d", i+1), base.Add(time.Duration(i)*time.Second)))
	}
	e.routes()
	return e, nil
}

// LoggedRequest is one request as the emulator received it: which host it
// was addressed to (the Host header, so a client behind a proxy shows
// whether it chose the global or a regional host), the method, path and
// raw query, and the operation it matched ("unknown" for none). Headers
// and bodies are not kept: they may hold credentials.
type LoggedRequest struct {
	Method, Host, Path, Query, Op string
}

// maxLog bounds the request log; older entries are dropped first.
const maxLog = 10_000

// RequestLog returns the requests received so far, oldest first.
func (e *Emulator) RequestLog() []LoggedRequest {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]LoggedRequest(nil), e.log...)
}

// AdminToken is a PAT of the organization's owner.
func (e *Emulator) AdminToken() string { return e.admin }

// Handler serves the API, with faults and (in strict mode) validation.
func (e *Emulator) Handler() http.Handler { return http.HandlerFunc(e.serve) }

// Start listens on addr ("127.0.0.1:0" when empty) and returns the base
// URL to give a client, e.g. http://127.0.0.1:41234.
func (e *Emulator) Start(addr string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("emulator listen: %w", err)
	}
	srv := &http.Server{Handler: e.Handler(), ReadHeaderTimeout: 10 * time.Second}
	e.srvMu.Lock()
	e.srv = srv
	e.srvMu.Unlock()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "emulator:", err)
		}
	}()
	return "http://" + ln.Addr().String(), nil
}

// Close stops a started emulator, waiting up to five seconds for requests
// in flight.
func (e *Emulator) Close() error {
	e.srvMu.Lock()
	srv := e.srv
	e.srv = nil
	e.srvMu.Unlock()
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return srv.Close()
	}
	return nil
}

// Requests returns how many requests each operation (spec operationId)
// received, faulted ones included. Unrouted requests count as "unknown".
func (e *Emulator) Requests() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]int, len(e.counts))
	for k, v := range e.counts {
		out[k] = v
	}
	return out
}

// CreatedTokens lists the tokens minted through the API, oldest first.
func (e *Emulator) CreatedTokens() []CreatedToken {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]CreatedToken(nil), e.created...)
}

// Violations returns what strict mode found wrong, or nil when not strict.
func (e *Emulator) Violations() []string {
	if e.strict == nil {
		return nil
	}
	return e.strict.Violations()
}

func (e *Emulator) findUser(id string) *user {
	for _, u := range e.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

func (e *Emulator) findAccount(id string) *systemAccount {
	for _, a := range e.accounts {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func (e *Emulator) findTeam(id string) *team {
	for _, t := range e.teams {
		if t.ID == id {
			return t
		}
	}
	return nil
}
