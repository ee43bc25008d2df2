package config

import (
	"fmt"
	"regexp"
	"strings"
)

// DefaultBaseURL is what kongctl uses with neither base-url nor region.
const DefaultBaseURL = "https://us.api.konghq.com"

var regionRE = regexp.MustCompile(`^[a-z0-9-]+$`)

// BaseURL resolves the regional API URL as kongctl does: konnect.base-url if
// set (env or file), else konnect.region, else DefaultBaseURL. A region is
// trimmed and lower-cased; "global" maps to the global host and any other
// well-formed name to https://<region>.api.konghq.com, unchecked against a
// list, as kongctl does.
//
// kongctl also refuses any base URL that is not https on konghq.com or
// konghq.tech; that policy is left to the caller, because konnectd's own
// emulator runs on http://127.0.0.1.
func (p *Profile) BaseURL() (string, error) {
	if u, ok := p.String(KeyBaseURL); ok && strings.TrimSpace(u) != "" {
		return strings.TrimSpace(u), nil
	}
	if r, ok := p.String(KeyRegion); ok && strings.TrimSpace(r) != "" {
		return RegionURL(r)
	}
	return DefaultBaseURL, nil
}

// RegionURL maps a Konnect region to its API URL.
func RegionURL(region string) (string, error) {
	r := strings.ToLower(strings.TrimSpace(region))
	if r == "global" {
		return "https://global.api.konghq.com", nil
	}
	if !regionRE.MatchString(r) {
		return "", fmt.Errorf("invalid konnect region %q (expected lowercase letters, numbers, or hyphens)", r)
	}
	return "https://" + r + ".api.konghq.com", nil
}
