package e2e

import (
	"context"
	"encoding/json"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/konnectd/konnectd/mcp"
)

// TestMCPExpiryResource: konnectd mcp lists one resource, the stored
// tokens' expiry, and reading it gives each token's days left, no secret.
func TestMCPExpiryResource(t *testing.T) {
	w := newWorld(t, worldOptions{})
	cleanLogs(t, w)
	w.login("default")
	if r := w.cli("", nil, "create", "pat", "--name", "exp-res", "--expires-in", "10d", "--store", "exp-res"); r.code != 0 {
		t.Fatalf("create: %s", r)
	}
	a := startAgent(t, w, "")
	list, err := a.s.ListResources(context.Background(), nil)
	if err != nil || len(list.Resources) != 1 || list.Resources[0].URI != mcp.ExpiryURI {
		t.Fatalf("resources: %+v %v", list, err)
	}
	res, err := a.s.ReadResource(context.Background(), &sdk.ReadResourceParams{URI: mcp.ExpiryURI})
	if err != nil || len(res.Contents) != 1 {
		t.Fatalf("read: %+v %v", res, err)
	}
	clean(t, res.Contents[0].Text)
	var body struct{ Tokens []mcp.ExpiryItem }
	if err := json.Unmarshal([]byte(res.Contents[0].Text), &body); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range body.Tokens {
		if it.Name == "exp-res" {
			found = it.DaysLeft != nil && *it.DaysLeft == 9 && it.ExpiresAt != "" && it.TokenID != ""
		}
	}
	if !found {
		t.Fatalf("expiry resource: %s", res.Contents[0].Text)
	}
}
