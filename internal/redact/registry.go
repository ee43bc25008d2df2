package redact

import (
	"bytes"
	"container/list"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"sync"
	"sync/atomic"
)

// Masking by value. The shapes (kpat_…, spat_…, Bearer …) are defeated by
// the simplest transform: ".[5:]", ltrimstr("kpat_"), @base64, split("_"),
// explode. So the daemon also registers every secret it holds or has just
// handled (keychain reads and writes, the credential a Konnect client is
// built with, the token in a create's answer, token and pat params), and
// String masks any text that holds one of them or a recognisable
// transform of one:
//
//   - any run of 12 or more of its token characters (a substring, one part
//     of a split around "_", the secret after a prefix was trimmed);
//   - the same of its reverse, its hex form, its base64 (standard and
//     URL alphabets, of the whole secret or any part of it) and its base32;
//   - in any letter case (ascii_downcase, @base64 of an upper-cased part
//     is not covered: that is a transform of a transform);
//   - with anything but token characters between its characters (chunks
//     on separate lines, join(" "), split("") | join(","));
//   - as a run of code points, the array explode makes ([107,112,97,…]).
//
// Token characters are A–Z, a–z, 0–9 and _ - + / = (the alphabets of the
// secrets and of their encodings). Every registered secret is indexed as
// the set of hashes of its 12-character windows, after dropping other
// characters and folding case, for each of the forms above (about 900
// windows for a 50-character PAT). String then rolls one hash over the
// text, skipping non-token characters, and looks each window up: one pass,
// no allocation unless something matches, whatever the number of secrets,
// which is why this is a hash set of windows and not a search per secret.
// A 64 Ki-bit filter (8 KiB) in front of the set keeps the lookups off the
// map for almost every window. Matches are masked from the first to the last
// character of the matched windows.
//
// Limits, admitted: a transform that is not one of the above (gsub, a
// cipher, base64 of the reverse) is not recognised; fewer than 12 token
// characters of a secret are left as they are; and a hash collision masks
// 12 innocent characters (it never unmasks anything). Values with fewer
// than 12 token characters are not registered: no Konnect credential is
// that short, and masking every "password" in a log would help nobody.
// The registry keeps the most recently registered maxSecrets secrets and
// at most maxWindows windows; the oldest are forgotten first.

// window is the length of the runs that are matched.
const window = 12

const (
	maxSecrets   = 256
	maxWindows   = 1 << 18
	maxSecretLen = 8 << 10 // longer values are indexed by their first 8 KiB
	filterBits   = 16
	hashBase     = 1099511628211 // odd: multiplication by it is invertible mod 2^64
	mixConst     = 0x9E3779B97F4A7C15
)

// basePow is hashBase^(window-1), the weight of the character that rolls
// out of the window.
var basePow = func() uint64 {
	p := uint64(1)
	for range window - 1 {
		p *= hashBase
	}
	return p
}()

type registry struct {
	count atomic.Int32 // secrets registered; 0 lets String skip the scan

	mu      sync.RWMutex
	order   *list.List                   // of *entry, most recent first
	byValue map[string]*list.Element     // secret → its entry
	windows map[uint64]uint32            // window hash → how many entries have it
	counts  [1 << filterBits]uint16      // per bucket of mix(hash): distinct windows in it
	filter  [1 << filterBits / 64]uint64 // bit per bucket: counts[b] != 0 (8 KiB: stays in L1)
	total   int                          // windows over all entries, with repeats
}

type entry struct {
	secret string
	hashes []uint64
}

var reg = &registry{order: list.New(), byValue: map[string]*list.Element{}, windows: map[uint64]uint32{}}

// Register adds secret to the values String masks, wherever they appear
// and in the transforms listed above. It is cheap to call again with a
// value already registered. Call it wherever a secret enters the process:
// a secret that is never registered is masked by its shape only.
func Register(secret string) { reg.add(secret) }

// Forget removes every registered secret (tests).
func Forget() {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.order.Init()
	reg.byValue = map[string]*list.Element{}
	reg.windows = map[uint64]uint32{}
	reg.counts = [1 << filterBits]uint16{}
	reg.filter = [1 << filterBits / 64]uint64{}
	reg.total = 0
	reg.count.Store(0)
}

func (r *registry) add(secret string) {
	if len(secret) > maxSecretLen {
		secret = secret[:maxSecretLen]
	}
	r.mu.RLock()
	_, known := r.byValue[secret]
	r.mu.RUnlock()
	if known {
		r.mu.Lock()
		if el, ok := r.byValue[secret]; ok {
			r.order.MoveToFront(el)
		}
		r.mu.Unlock()
		return
	}
	hashes := windowsOf(secret)
	if len(hashes) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.byValue[secret]; ok {
		return
	}
	for _, h := range hashes {
		if r.windows[h] == 0 {
			k := bucket(h)
			if r.counts[k]++; r.counts[k] == 1 {
				r.filter[k/64] |= 1 << (k % 64)
			}
		}
		r.windows[h]++
	}
	r.total += len(hashes)
	r.byValue[secret] = r.order.PushFront(&entry{secret: secret, hashes: hashes})
	for r.order.Len() > 1 && (r.order.Len() > maxSecrets || r.total > maxWindows) {
		r.evict(r.order.Back())
	}
	r.count.Store(int32(r.order.Len()))
}

func (r *registry) evict(el *list.Element) {
	e := r.order.Remove(el).(*entry)
	delete(r.byValue, e.secret)
	for _, h := range e.hashes {
		if r.windows[h]--; r.windows[h] == 0 {
			delete(r.windows, h)
			k := bucket(h)
			if r.counts[k]--; r.counts[k] == 0 {
				r.filter[k/64] &^= 1 << (k % 64)
			}
		}
	}
	r.total -= len(e.hashes)
}

// windowsOf returns the distinct window hashes of secret's forms.
func windowsOf(secret string) []uint64 {
	b := []byte(secret)
	forms := []string{secret, reverse(secret), hex.EncodeToString(b)}
	for off := 0; off < 3 && off < len(b); off++ {
		forms = append(forms, base64.StdEncoding.EncodeToString(b[off:]), base64.URLEncoding.EncodeToString(b[off:]))
	}
	for off := 0; off < 5 && off < len(b); off++ {
		forms = append(forms, base32.StdEncoding.EncodeToString(b[off:]))
	}
	seen := map[uint64]struct{}{}
	var out []uint64
	for i, f := range forms {
		var w roller
		n := 0
		for j := 0; j < len(f); j++ {
			c, ok := tokenChar(f[j])
			if !ok {
				continue
			}
			n++
			if h, full := w.push(c); full {
				if _, dup := seen[h]; !dup {
					seen[h] = struct{}{}
					out = append(out, h)
				}
			}
		}
		if i == 0 && n < window {
			return nil // too short to be told from ordinary text
		}
	}
	return out
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// tokenChar folds c to lower case and reports whether it is a token
// character.
func tokenChar(c byte) (byte, bool) {
	switch {
	case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return c, true
	case 'A' <= c && c <= 'Z':
		return c + ('a' - 'A'), true
	case c == '_' || c == '-' || c == '+' || c == '/' || c == '=':
		return c, true
	}
	return 0, false
}

// roller is a rolling polynomial hash over the last window characters.
type roller struct {
	ring [window]byte
	n    int // characters pushed so far
	h    uint64
}

// push adds c; full reports whether a whole window is in the hash.
func (w *roller) push(c byte) (uint64, bool) {
	i := w.n % window
	if w.n >= window {
		w.h -= uint64(w.ring[i]) * basePow
	}
	w.h = w.h*hashBase + uint64(c)
	w.ring[i] = c
	w.n++
	return w.h, w.n >= window
}

func bucket(h uint64) uint64 { return (h * mixConst) >> (64 - filterBits) }

// span is a byte range of the text to mask.
type span struct{ start, end int }

// find returns the ranges of s that hold a registered secret's window, in
// order and merged. pos tracks where each character of the current window
// started and ended in s.
func (r *registry) find(s string) []span {
	var spans []span
	r.mu.RLock()
	defer r.mu.RUnlock()
	hit := func(h uint64) bool {
		k := bucket(h)
		return r.filter[k/64]&(1<<(k%64)) != 0 && r.windows[h] != 0
	}
	add := func(start, end int) {
		if k := len(spans) - 1; k >= 0 && start <= spans[k].end {
			spans[k].end = max(spans[k].end, end)
			return
		}
		spans = append(spans, span{start, end})
	}

	// Pass 1: the token characters of s, whatever lies between them.
	var w roller
	var starts [window]int
	for i := 0; i < len(s); i++ {
		c, ok := tokenChar(s[i])
		if !ok {
			continue
		}
		starts[w.n%window] = i
		if h, full := w.push(c); full && hit(h) {
			add(starts[w.n%window], i+1) // the oldest start is the next slot
		}
	}

	// Pass 2: runs of integers separated by commas and white space, read
	// as code points (explode's output, compact or pretty-printed).
	w = roller{}
	for i := 0; i < len(s); {
		c := s[i]
		if c < '0' || c > '9' {
			if c != ',' && c != ' ' && c != '\n' && c != '\t' && c != '\r' {
				w = roller{} // anything else ends a run
			}
			i++
			continue
		}
		start, v := i, 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			if v < 1<<21 {
				v = v*10 + int(s[i]-'0')
			}
			i++
		}
		if v >= 128 {
			w = roller{} // not a character of a token
			continue
		}
		tc, ok := tokenChar(byte(v))
		if !ok {
			continue
		}
		starts[w.n%window] = start
		if h, full := w.push(tc); full && hit(h) {
			add(starts[w.n%window], i)
		}
	}
	if len(spans) > 1 {
		// The passes each yield ordered spans; merge the two lists.
		sortSpans(spans)
	}
	return spans
}

// sortSpans sorts by start (insertion sort: there are few) and merges
// overlaps.
func sortSpans(s []span) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].start < s[j-1].start; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// maskValues returns s with every registered secret's match masked.
func maskValues(s string) string {
	if reg.count.Load() == 0 || len(s) < window {
		return s
	}
	spans := reg.find(s)
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, sp := range spans {
		if sp.start < last {
			sp.start = last // overlapping spans from the two passes
		}
		if sp.end <= last {
			continue
		}
		b.WriteString(s[last:sp.start])
		b.WriteString(Mask)
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// containsValue reports whether s holds a registered secret's match.
func containsValue(s string) bool {
	return reg.count.Load() != 0 && len(s) >= window && len(reg.find(s)) > 0
}

// RegisterFound registers every kpat_/spat_-shaped token in b. A client
// calls it on what the daemon answers: a result may hand it a token (a
// create, auth/credential) that its own --jq or output code could then put,
// transformed, into its stderr. It costs two substring searches when b
// holds no token.
func RegisterFound(b []byte) {
	if !bytes.Contains(b, []byte("pat_")) && !bytes.Contains(b, []byte("PAT_")) {
		return
	}
	for _, m := range secretRE.FindAll(b, -1) {
		if len(m) > 5 && (m[0]|0x20 == 'k' || m[0]|0x20 == 's') {
			Register(string(m))
		}
	}
}
