package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/konnectd/konnectd/internal/privfile"
	"github.com/konnectd/konnectd/keychain"
)

// The expiry watch: the daemon knows when each stored credential stops
// working (the index's expires_at, learnt at creation, or for a login's
// token looked up once when it was stored, see matchLogin) and tells every client, with
// a token/expiring notification, when one crosses a threshold of its
// profile's konnectd.expiry-warn (default 30d, 7d, 1d) and when it
// expires. Each notification is raised once per token: what was raised is
// persisted, so a restart does not raise it again.
//
// Idle cost: one timer, set to the next threshold of any stored token
// (capped at watchMaxSleep, so a suspended machine or a clock change is
// caught up within that). Nothing polls; a store, forget or config change
// re-arms the timer (Kick).

// ExpiryMethod is the notification the watch sends.
const ExpiryMethod = "token/expiring"

// DefaultExpiryWarn are the thresholds without konnectd.expiry-warn.
var DefaultExpiryWarn = []time.Duration{30 * 24 * time.Hour, 7 * 24 * time.Hour, 24 * time.Hour}

// KeyExpiryWarn is the profile setting that lists the thresholds.
const KeyExpiryWarn = "konnectd.expiry-warn"

// watchMaxSleep bounds the watch's timer: monotonic timers do not run
// while a laptop sleeps, so after a wake-up the watch catches up within
// this long.
const watchMaxSleep = 6 * time.Hour

// ExpiryFile is the watch's state file (what was raised), beside the
// keychain index.
const ExpiryFile = "konnectd-expiry-state.json"

// TokenExpiring is token/expiring's params.
type TokenExpiring struct {
	Account   string `json:"account"` // the keychain entry
	Name      string `json:"name"`    // as get stored names it
	Space     string `json:"space"`
	Profile   string `json:"profile,omitempty"`
	Kind      string `json:"kind"`
	TokenID   string `json:"tokenId,omitempty"`
	TokenName string `json:"tokenName,omitempty"`
	ExpiresAt string `json:"expiresAt"`
	// DaysLeft is whole days until expiry, rounded down (0 on the last
	// day, negative once expired).
	DaysLeft int `json:"daysLeft"`
	// Threshold is the konnectd.expiry-warn value crossed ("7d", "36h"),
	// or "expired".
	Threshold string `json:"threshold"`
	Expired   bool   `json:"expired"`
	Message   string `json:"message"`
}

// Notifier sends a notification to every client and says how many it
// reached. A notification that reached nobody is not counted as raised:
// it goes to the next client that connects (the daemon Kicks the watch
// on each connection).
type Notifier func(method string, params any) int

// DaysLeft is whole days from now until expiresAt, rounded down; ok is
// false when expiresAt is empty or not a time.
func DaysLeft(expiresAt string, now time.Time) (int, bool) {
	t, err := time.Parse(time.RFC3339Nano, expiresAt)
	if err != nil {
		return 0, false
	}
	return int(math.Floor(t.Sub(now).Hours() / 24)), true
}

// parseThreshold reads one expiry-warn value: a number of days ("7d",
// "1.5d") or a Go duration ("36h").
func parseThreshold(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		f, err := strconv.ParseFloat(n, 64)
		if err != nil || f <= 0 || f > 3650 {
			return 0, fmt.Errorf("invalid %s value %q: use days (7d) or a duration (36h)", KeyExpiryWarn, s)
		}
		return time.Duration(f * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("invalid %s value %q: use days (7d) or a duration (36h)", KeyExpiryWarn, s)
	}
	return d, nil
}

// thresholdText is how a threshold is named: days when whole, else Go's.
func thresholdText(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return d.String()
}

// expiryWarn is profile's thresholds, largest first: its
// konnectd.expiry-warn (a YAML list, or a comma-separated env value), else
// the default. A bad value is logged and the default used.
func (s *Service) expiryWarn(ctx context.Context, profile string) []time.Duration {
	if s.cfg == nil {
		return DefaultExpiryWarn
	}
	p, _, err := s.profile(ctx, Caller{Profile: profile})
	if err != nil || p == nil {
		return DefaultExpiryWarn
	}
	set, ok := p.Lookup(KeyExpiryWarn)
	if !ok {
		return DefaultExpiryWarn
	}
	var vals []string
	switch raw := set.Raw.(type) {
	case []any:
		for _, v := range raw {
			vals = append(vals, fmt.Sprint(v))
		}
	default:
		vals = strings.Split(strings.Trim(set.Text, "[]"), ",")
	}
	var out []time.Duration
	for _, v := range vals {
		if strings.TrimSpace(v) == "" {
			continue
		}
		d, err := parseThreshold(v)
		if err != nil {
			s.log.Warn("expiry watch: "+err.Error()+"; using the default", "profile", profile, "where", set.Where)
			return DefaultExpiryWarn
		}
		out = append(out, d)
	}
	slices.Sort(out)
	slices.Reverse(out)
	return slices.Compact(out)
}

// expiryState is what the watch persisted: per token, the thresholds
// already raised.
type expiryState struct {
	Version int                 `json:"version"`
	Raised  map[string][]string `json:"raised"` // watchKey → thresholds raised ("7d", "expired")
	// AutoFailed is watchKey → when to try a failed auto-rotation again.
	AutoFailed map[string]string `json:"auto_failed,omitempty"`
	LookedUp   map[string]string `json:"looked_up"` // account → stored_at of the entry looked up
}

// watchKey names one token in one entry: a new token in the same entry
// (a rotation, a new login) starts afresh.
func watchKey(r keychain.Record) string {
	id := r.TokenID
	if id == "" {
		id = r.StoredAt
	}
	return r.Account + "|" + id + "|" + r.ExpiresAt
}

// ExpiryWatch raises token/expiring notifications. Start it with Run.
type ExpiryWatch struct {
	s      *Service
	path   string
	notify Notifier
	kick   chan struct{}

	mu       sync.Mutex
	state    *expiryState
	rotating map[string]bool // accounts being auto-rotated
	rbCache  map[string]rotateBeforeSetting
	// undelivered is set when a notification reached no client: the next
	// client to connect should make the watch look again.
	undelivered atomic.Bool
}

// Undelivered reports whether a notification is waiting for a client.
func (w *ExpiryWatch) Undelivered() bool { return w.undelivered.Load() }

// NewExpiryWatch builds the daemon's watch, keeping its state in path and
// sending notifications through notify; s.Kick re-arms it.
func (s *Service) NewExpiryWatch(path string, notify Notifier) *ExpiryWatch {
	w := &ExpiryWatch{s: s, path: path, notify: notify, kick: make(chan struct{}, 1), rotating: map[string]bool{}}
	s.watchMu.Lock()
	s.watch = w
	s.watchMu.Unlock()
	return w
}

// Kick makes the watch (and the revoker) look again now (a token was stored or forgotten,
// the config or the clock changed). It never blocks.
func (s *Service) Kick() {
	s.watchMu.Lock()
	w, rk := s.watch, s.revokerKick
	s.watchMu.Unlock()
	if w != nil {
		select {
		case w.kick <- struct{}{}:
		default:
		}
	}
	if rk != nil {
		select {
		case rk <- struct{}{}:
		default:
		}
	}
}

// Run checks, then sleeps until the next threshold or a Kick, until ctx
// ends.
func (w *ExpiryWatch) Run(ctx context.Context) {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		next := w.Check(ctx)
		d := watchMaxSleep
		if !next.IsZero() {
			d = min(max(next.Sub(w.s.now()), time.Millisecond), watchMaxSleep)
		}
		t.Reset(d)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.kick:
			if !t.Stop() {
				select {
				case <-t.C:
				default:
				}
			}
		}
	}
}

// Check raises what is due and returns when the next threshold falls
// (zero when none is ahead).
func (w *ExpiryWatch) Check(ctx context.Context) time.Time {
	s := w.s
	if s.index == nil {
		return time.Time{}
	}
	recs, err := s.StoredRecords(ctx)
	if err != nil {
		s.log.Warn("expiry watch: keychain index unreadable", "error", err)
		return time.Time{}
	}
	next, due := w.check(ctx, recs)
	for _, r := range due {
		w.autoRotate(ctx, r)
	}
	if len(due) > 0 {
		// The successors' thresholds (and any failure's retry) count now.
		return s.now()
	}
	return next
}

// check raises the due notifications and returns the next threshold and
// the entries due for auto-rotation.
func (w *ExpiryWatch) check(ctx context.Context, recs []keychain.Record) (time.Time, []keychain.Record) {
	s := w.s
	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.load()
	w.rbCache = map[string]rotateBeforeSetting{}
	w.undelivered.Store(false) // set again by a raise that reaches nobody
	var due []keychain.Record
	changed := false
	now := s.now()
	var next time.Time
	live := map[string]bool{}
	warn := map[string][]time.Duration{}
	for _, r := range recs {
		exp, err := time.Parse(time.RFC3339Nano, r.ExpiresAt)
		if err != nil {
			continue
		}
		key := watchKey(r)
		live[key] = true
		if at, ok := w.rotateAt(ctx, st, r, exp); ok {
			if now.Before(at) {
				if next.IsZero() || at.Before(next) {
					next = at
				}
			} else if !w.rotating[r.Account] {
				w.rotating[r.Account] = true
				due = append(due, r)
			}
		}
		th, ok := warn[r.Profile]
		if !ok {
			th = s.expiryWarn(ctx, r.Profile)
			warn[r.Profile] = th
		}
		raised := st.Raised[key]
		// The tightest crossed threshold is raised (a token first seen
		// with 5 days left raises 7d, not 30d and 7d); larger ones count as
		// raised with it.
		crossed := ""
		var all []string
		if !now.Before(exp) {
			crossed = "expired"
		}
		// A threshold at or beyond the token's whole lifetime says nothing
		// (a 30-day token has "30 days left" when it is made): it counts as
		// raised. Without a creation time every threshold applies.
		created, createdErr := time.Parse(time.RFC3339Nano, r.CreatedAt)
		for _, d := range th {
			at := exp.Add(-d)
			if createdErr == nil && !at.After(created) {
				all = append(all, thresholdText(d))
				continue
			}
			if now.Before(at) {
				if next.IsZero() || at.Before(next) {
					next = at
				}
				continue
			}
			all = append(all, thresholdText(d))
			if crossed != "expired" {
				crossed = thresholdText(d) // the last crossed is the tightest
			}
		}
		if now.Before(exp) && (next.IsZero() || exp.Before(next)) {
			next = exp
		}
		if crossed == "expired" {
			all = append(all, "expired")
		}
		if crossed == "" || slices.Contains(raised, crossed) {
			continue
		}
		if !w.raise(r, exp, now, crossed) {
			continue
		}
		for _, a := range all {
			if !slices.Contains(raised, a) {
				raised = append(raised, a)
			}
		}
		st.Raised[key] = raised
		changed = true
	}
	for k := range st.Raised {
		if !live[k] {
			delete(st.Raised, k)
			changed = true
		}
	}
	for k := range st.AutoFailed {
		if !live[k] {
			delete(st.AutoFailed, k)
			changed = true
		}
	}
	if changed {
		w.save(st)
	}
	return next, due
}

// raise sends one notification; false when it reached no client.
func (w *ExpiryWatch) raise(r keychain.Record, exp, now time.Time, threshold string) bool {
	name, space := keychain.AccountName(r.Account)
	days, _ := DaysLeft(r.ExpiresAt, now)
	n := TokenExpiring{Account: r.Account, Name: name, Space: space, Profile: r.Profile, Kind: r.Kind, TokenID: r.TokenID,
		TokenName: r.TokenName, ExpiresAt: r.ExpiresAt, DaysLeft: days, Threshold: threshold, Expired: threshold == "expired"}
	what := fmt.Sprintf("the %s in keychain entry %s", kindWord(r.Kind), r.Account)
	if r.TokenID != "" {
		what = fmt.Sprintf("%s %q (%s) in keychain entry %s", r.Kind, r.TokenName, r.TokenID, r.Account)
	}
	if n.Expired {
		n.Message = fmt.Sprintf("%s expired at %s", what, r.ExpiresAt)
	} else {
		n.Message = fmt.Sprintf("%s expires at %s: %s left", what, r.ExpiresAt, left(exp.Sub(now)))
	}
	if r.TokenID != "" && r.Kind == KindPAT {
		n.Message += fmt.Sprintf("; 'konnectd rotate %s' replaces it with a new one", name)
	}
	if w.notify == nil {
		return true
	}
	reached := w.notify(ExpiryMethod, n)
	if reached == 0 {
		w.undelivered.Store(true)
	}
	w.s.log.Info("token expiring", "account", r.Account, "id", r.TokenID, "threshold", threshold, "expires_at", r.ExpiresAt, "clients", reached)
	return reached > 0
}

// left says a remaining time for a person.
func left(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	}
	if d >= time.Hour {
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d minutes", max(int(d.Minutes()), 0))
}

func (w *ExpiryWatch) load() *expiryState {
	if w.state != nil {
		return w.state
	}
	st := &expiryState{Version: 1, Raised: map[string][]string{}}
	b, err := os.ReadFile(w.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		w.s.log.Warn("expiry watch: state unreadable; notifications may repeat", "file", w.path, "error", err)
	default:
		if err := json.Unmarshal(b, st); err != nil || st.Version != 1 {
			w.s.log.Warn("expiry watch: state unreadable; notifications may repeat", "file", w.path, "error", err)
			st = &expiryState{Version: 1}
		}
	}
	if st.Raised == nil {
		st.Raised = map[string][]string{}
	}
	if st.AutoFailed == nil {
		st.AutoFailed = map[string]string{}
	}
	w.state = st
	return st
}

func (w *ExpiryWatch) save(st *expiryState) {
	b, _ := json.MarshalIndent(st, "", "  ")
	if err := privfile.Write(w.path, b); err != nil {
		w.s.log.Warn("expiry watch: state not saved; notifications may repeat after a restart", "file", w.path, "error", err)
	}
}
