package rpc

import (
	"strings"
	"testing"

	"github.com/konnectd/konnectd/internal/redact"
)

// TestParamSecretsAreRegistered: decoding params registers their token and
// pat fields and *_PAT env values, and nothing else.
func TestParamSecretsAreRegistered(t *testing.T) {
	redact.Forget()
	t.Cleanup(redact.Forget)
	type params struct {
		Token string            `json:"token"`
		PAT   string            `json:"pat,omitempty"`
		Name  string            `json:"name"`
		Env   map[string]string `json:"env"`
	}
	const (
		tok  = "Kx7Lm2Np9Qr4St6Uv8Wy1Za3" // made up, no shape on purpose
		pat  = "Bc5De7Fg9Hj2Kl4Mn6Pq8Rs1"
		env  = "Tv3Wx5Yz7Ab9Cd2Ef4Gh6Jk8"
		name = "Lm1No3Pq5Rs7Tu9Vw2Xy4Za6"
	)
	var p params
	raw := `{"token":"` + tok + `","pat":"` + pat + `","name":"` + name + `","env":{"KONGCTL_DEFAULT_KONNECT_PAT":"` + env + `","KONGCTL_PROFILE":"` + name + `x"}}`
	if err := decodeParams([]byte(raw), &p); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{tok, pat, env} {
		if got := redact.String("near " + s[2:]); strings.Contains(got, s[2:14]) {
			t.Errorf("%.3s… not registered: %q", s, got)
		}
	}
	if got := redact.String(name); got != name {
		t.Errorf("an ordinary field was registered: %q", got)
	}
}
