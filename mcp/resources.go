package mcp

import (
	"context"
	"encoding/json"
	"fmt"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/redact"
)

// ExpiryURI is the resource that lists the stored tokens' expiry.
const ExpiryURI = "konnectd://tokens/expiry"

// ExpiryItem is one stored token in the expiry resource: no secret.
type ExpiryItem struct {
	Name      string `json:"name"`
	Space     string `json:"space"`
	Kind      string `json:"kind"`
	TokenID   string `json:"tokenId,omitempty"`
	TokenName string `json:"tokenName,omitempty"`
	Profile   string `json:"profile,omitempty"`
	ExpiresAt string `json:"expiresAt,omitempty"`
	DaysLeft  *int   `json:"daysLeft,omitempty"`
}

// addResources registers the expiry resource: what list_stored gives,
// reduced to each token's expiry, read from the keychain index when the
// agent asks (one file read, no Konnect call).
func (t *tools) addResources(s *sdk.Server) {
	s.AddResource(&sdk.Resource{
		URI:         ExpiryURI,
		Name:        "stored-token-expiry",
		Title:       "Expiry of the tokens konnectd keeps",
		Description: "The tokens konnectd keeps in the user's keychain with their expiry and days left (never values). A token near expiry can be rotated by the user with 'konnectd rotate NAME'.",
		MIMEType:    "application/json",
	}, t.readExpiry)
}

func (t *tools) readExpiry(ctx context.Context, req *sdk.ReadResourceRequest) (*sdk.ReadResourceResult, error) {
	v, err := t.svc.ListStored(ctx, t.caller(""), nil)
	if err != nil {
		return nil, fmt.Errorf("list the stored tokens: %w", err)
	}
	l, ok := v.(*core.StoredList)
	if !ok {
		return nil, fmt.Errorf("expiry resource: unexpected answer %T", v)
	}
	items := []ExpiryItem{}
	for _, e := range l.Data {
		if !e.Present {
			continue
		}
		items = append(items, ExpiryItem{Name: e.Name, Space: e.Space, Kind: e.Kind, TokenID: e.TokenID, TokenName: e.TokenName,
			Profile: e.Profile, ExpiresAt: e.ExpiresAt, DaysLeft: e.DaysLeft})
	}
	b, err := json.Marshal(map[string]any{"tokens": items})
	if err != nil {
		return nil, err
	}
	if redact.Contains(string(b)) {
		return nil, fmt.Errorf("expiry resource withheld: it contained a token value")
	}
	return &sdk.ReadResourceResult{Contents: []*sdk.ResourceContents{{URI: ExpiryURI, MIMEType: "application/json", Text: string(b)}}}, nil
}
