package redact

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// fakeToken is a PAT-shaped value made for the test: "kpat_" and 45
// characters of base62, as the emulator mints them.
func fakeToken(r *rand.Rand, prefix string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := []byte(prefix)
	for range 45 {
		b = append(b, alphabet[r.IntN(len(alphabet))])
	}
	return string(b)
}

func explode(s string, indent bool) string {
	cps := make([]int, 0, len(s))
	for _, r := range s {
		cps = append(cps, int(r))
	}
	var b []byte
	if indent {
		b, _ = json.MarshalIndent(cps, "", "  ")
	} else {
		b, _ = json.Marshal(cps)
	}
	return string(b)
}

func chunks(s string, n int, sep string) string {
	var parts []string
	for len(s) > n {
		parts = append(parts, s[:n])
		s = s[n:]
	}
	return strings.Join(append(parts, s), sep)
}

// TestTransformsOfARegisteredSecretAreMasked is the corpus: each way a jq
// expression (or careless code) can reshape a token, as it would reach an
// error message or a log line, around other text that must survive.
func TestTransformsOfARegisteredSecretAreMasked(t *testing.T) {
	Forget()
	t.Cleanup(Forget)
	r := rand.New(rand.NewPCG(1, 2))
	tok := fakeToken(r, "kpat_")
	body := tok[5:]
	Register(tok)
	b := []byte(tok)
	cases := []struct{ name, leak string }{
		{"whole", tok},
		{".[5:]", body},
		{`ltrimstr("kpat_")`, strings.TrimPrefix(tok, "kpat_")},
		{`"x"+.token`, "x" + tok},
		{".[10:22] (12 characters)", tok[10:22]},
		{".[20:]", tok[20:]},
		{"ascii_upcase", strings.ToUpper(tok)},
		{"ascii_downcase of a part", strings.ToLower(body)},
		{"@base64", base64.StdEncoding.EncodeToString(b)},
		{"@base64 of .[5:]", base64.StdEncoding.EncodeToString(b[5:])},
		{"@base64 of .[7:30]", base64.StdEncoding.EncodeToString(b[7:30])},
		{"base64url", base64.URLEncoding.EncodeToString(b)},
		{"base64 unpadded of .[1:]", base64.RawStdEncoding.EncodeToString(b[1:])},
		{"@base32", base32.StdEncoding.EncodeToString(b)},
		{"@base32 of .[8:]", base32.StdEncoding.EncodeToString(b[8:])},
		{"hex", hex.EncodeToString(b)},
		{"HEX of .[5:]", strings.ToUpper(hex.EncodeToString(b[5:]))},
		{"hex of .[13:27]", hex.EncodeToString(b[13:27])},
		{"reversed", reverse(tok)},
		{"reversed part", reverse(tok[9:30])},
		{`split("_")`, fmt.Sprintf("%q", strings.Split(tok, "_"))},
		{`split("_") | tojson`, func() string { j, _ := json.Marshal(strings.Split(tok, "_")); return string(j) }()},
		{"explode", explode(tok, false)},
		{"explode, pretty", explode(tok, true)},
		{"explode of .[5:]", explode(body, false)},
		{"explode[]", strings.Trim(strings.ReplaceAll(explode(tok, false), ",", "\n"), "[]")},
		{"chunks of 6 on lines", chunks(tok, 6, "\n")},
		{`split("") | join(" ")`, strings.Join(strings.Split(tok, ""), " ")},
		{"quoted in JSON", fmt.Sprintf(`{"t":%q}`, body)},
	}
	for _, c := range cases {
		in := "jq: error (at <stdin>:0): before " + c.leak + " after"
		out := String(in)
		if strings.Contains(out, c.leak) {
			t.Errorf("%s: not masked: %q", c.name, out)
			continue
		}
		if !strings.Contains(out, Mask) || !strings.HasPrefix(out, "jq: error (at <stdin>:0): before") || !strings.HasSuffix(out, "after") {
			t.Errorf("%s: masked too much or wrongly: %q", c.name, out)
		}
		// No 12 characters of the body survive, in any case or form.
		low := strings.ToLower(out)
		for i := 0; i+window <= len(body); i++ {
			if strings.Contains(low, strings.ToLower(body[i:i+window])) {
				t.Errorf("%s: %q survived in %q", c.name, body[i:i+window], out)
				break
			}
		}
		if !Contains(in) {
			t.Errorf("%s: Contains is false", c.name)
		}
		if Error(fmt.Errorf("wrapped: %s", c.leak)).Error() == "wrapped: "+c.leak {
			t.Errorf("%s: Error did not mask", c.name)
		}
	}
}

// TestValueMaskingLeavesOtherTextAlone: text without a registered secret,
// numbers, ids, other tokens' encodings and short pieces of the secret
// come through as they were (shapes aside).
func TestValueMaskingLeavesOtherTextAlone(t *testing.T) {
	Forget()
	t.Cleanup(Forget)
	r := rand.New(rand.NewPCG(3, 4))
	tok := fakeToken(r, "spat_")
	other := fakeToken(r, "kpat_")
	Register(tok)
	for _, s := range []string{
		"handled method=daemon/status took=12.5µs error=\"\"",
		"user 7f9c24e5-5f7c-4b4e-9a56-3c5e0d3f5b21 listed 10,000 users in 2,345 ms",
		explode("hello, this is not a secret at all", false),
		"[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]",
		base64.StdEncoding.EncodeToString([]byte(other)),
		"eleven: " + tok[20:31], // fewer than 12 characters: left, as documented
		strings.Repeat("a", 5000),
	} {
		if got := String(s); got != s {
			t.Errorf("String(%q) = %q", s, got)
		}
		if Contains(s) {
			t.Errorf("Contains(%q)", s)
		}
	}
	// Values too short to be told from text are not registered.
	Register("hunter2")
	Register("short_secret") // 12 characters: registered
	if got := String("pw hunter2 and short_secret"); got != "pw hunter2 and "+Mask {
		t.Errorf("short values: %q", got)
	}
}

// TestShapeWithoutWordBoundary: "x"+.token made "xkpat_…", which the old
// pattern's \b let through (nothing registered here: shape only).
func TestShapeWithoutWordBoundary(t *testing.T) {
	Forget()
	for in, want := range map[string]string{
		"xkpat_abcdefghijklmnop": "x" + Mask,
		"1spat_abcdefghijklmnop": "1" + Mask,
		"_kpat_abc":              "_" + Mask,
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRegistryIsBounded: the oldest secrets are forgotten past the cap,
// and the index shrinks with them.
func TestRegistryIsBounded(t *testing.T) {
	Forget()
	t.Cleanup(Forget)
	r := rand.New(rand.NewPCG(5, 6))
	first := fakeToken(r, "kpat_")
	Register(first)
	Register(first) // again: no second entry
	if n := reg.count.Load(); n != 1 {
		t.Fatalf("%d entries after registering one value twice", n)
	}
	for range maxSecrets {
		Register(fakeToken(r, "kpat_"))
	}
	if n := reg.count.Load(); n != maxSecrets {
		t.Fatalf("%d entries, want the cap %d", n, maxSecrets)
	}
	if got := String(first[5:]); got != first[5:] {
		t.Fatalf("the oldest secret is still masked: %q", got)
	}
	reg.mu.RLock()
	total, distinct := reg.total, len(reg.windows)
	reg.mu.RUnlock()
	if total > maxWindows || distinct > total {
		t.Fatalf("index holds %d windows (%d distinct), cap %d", total, distinct, maxWindows)
	}
	// A huge value is indexed by its head only and evicts what it must.
	huge := strings.Repeat(fakeToken(r, "x"), 1000)
	Register(huge)
	reg.mu.RLock()
	total = reg.total
	reg.mu.RUnlock()
	if total > maxWindows {
		t.Fatalf("index holds %d windows after a huge value, cap %d", total, maxWindows)
	}
}

// FuzzMaskValues: masking never panics, never leaves a registered
// secret's body in place, and leaves text without token characters alone.
func FuzzMaskValues(f *testing.F) {
	r := rand.New(rand.NewPCG(7, 8))
	tok := fakeToken(r, "kpat_")
	for _, s := range []string{"", "x", tok, tok[5:], explode(tok, true), base64.StdEncoding.EncodeToString([]byte(tok)), "a, b, c", "[1,2,3]"} {
		f.Add(s)
	}
	Forget()
	Register(tok)
	f.Cleanup(Forget)
	f.Fuzz(func(t *testing.T, s string) {
		in := s + tok[5:] + s
		if out := String(in); strings.Contains(out, tok[5:]) {
			t.Fatalf("%q: body left in %q", in, out)
		}
		if !strings.ContainsAny(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/=") {
			if out := String(s); out != s {
				t.Fatalf("%q masked to %q", s, out)
			}
		}
	})
}

func BenchmarkStringLogLine(b *testing.B) {
	Forget()
	defer Forget()
	r := rand.New(rand.NewPCG(9, 10))
	for range 8 {
		Register(fakeToken(r, "kpat_"))
	}
	s := `handled method=identity/listUsers took=1.234ms error="Failed to list users: Konnect answered 503 Service Unavailable"`
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		String(s)
	}
}

// TestRegisterFound: the tokens in an answer are registered by shape; an
// answer without one registers nothing.
func TestRegisterFound(t *testing.T) {
	Forget()
	t.Cleanup(Forget)
	r := rand.New(rand.NewPCG(11, 12))
	pat, spat := fakeToken(r, "kpat_"), fakeToken(r, "spat_")
	RegisterFound([]byte(`{"data":[{"name":"x"}]}`))
	if n := reg.count.Load(); n != 0 {
		t.Fatalf("%d registered from an answer without a token", n)
	}
	RegisterFound([]byte(fmt.Sprintf(`{"token":%q}`+"\ntoken: %s", pat, spat)))
	for _, tok := range []string{pat, spat} {
		if got := String("near " + tok[5:]); strings.Contains(got, tok[5:17]) {
			t.Errorf("%.4s… not registered: %q", tok, got)
		}
	}
}
