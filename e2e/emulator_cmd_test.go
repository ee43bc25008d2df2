package e2e

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestEmulatorCommandSeedsControlPlanes: "konnectd emulator
// --control-planes N" serves N control planes, so a user's own CI can
// page through 'konnectd api /v2/control-planes' as the tests do.
func TestEmulatorCommandSeedsControlPlanes(t *testing.T) {
	base, pat, stop := startGoldenEmulator(t, t.TempDir(), []string{"--control-planes", "12"})
	defer stop()
	req, err := http.NewRequest("GET", base+"/v2/control-planes?page[size]=5", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+pat)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Data []struct {
			Name string `json:"name"`
		} `json:"data"`
		Meta struct {
			Page struct {
				Total int `json:"total"`
			} `json:"page"`
		} `json:"meta"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /v2/control-planes: %d %v", resp.StatusCode, err)
	}
	if page.Meta.Page.Total != 12 || len(page.Data) != 5 || page.Data[0].Name != "cp-01" {
		t.Fatalf("want 12 control planes, the first page of 5 starting at cp-01; got total %d, %d items %+v", page.Meta.Page.Total, len(page.Data), page.Data)
	}
}
