package konnect

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
)

const (
	// DefaultBaseURL is kongctl's default when neither a base URL nor a
	// region is configured.
	DefaultBaseURL = "https://us.api.konghq.com"
	// GlobalBaseURL is where Konnect serves every identity operation.
	GlobalBaseURL = "https://global.api.konghq.com"
)

var regionRE = regexp.MustCompile(`^[a-z0-9-]+$`)

// ResolveBaseURL picks the profile's base URL the way kongctl does: an
// explicit base URL wins, then the region, then DefaultBaseURL. The result
// is not yet checked for trust; New does that.
func ResolveBaseURL(baseURL, region string) (string, error) {
	if b := strings.TrimSpace(baseURL); b != "" {
		return strings.TrimRight(b, "/"), nil
	}
	if strings.TrimSpace(region) == "" {
		return DefaultBaseURL, nil
	}
	return BaseURLFromRegion(region)
}

// BaseURLFromRegion maps a Konnect region to its API host. Like kongctl it
// does not hold the region to a list: any well-formed name is accepted.
func BaseURLFromRegion(region string) (string, error) {
	r := strings.ToLower(strings.TrimSpace(region))
	switch {
	case r == "":
		return "", fmt.Errorf("konnect region is empty")
	case r == "global":
		return GlobalBaseURL, nil
	case !regionRE.MatchString(r):
		return "", fmt.Errorf("invalid konnect region %q (expected lowercase letters, numbers, or hyphens)", region)
	}
	return fmt.Sprintf("https://%s.api.konghq.com", r), nil
}

// endpoints are the two roots a client talks to.
type endpoints struct {
	regional *url.URL // the profile's base URL
	identity *url.URL // where identity calls go
}

// resolveEndpoints checks that base may receive a credential and derives
// the identity root from it: the global host on the same Konnect domain, or
// base itself when it is a loopback address (an emulator serves every
// operation on one host).
func resolveEndpoints(base string) (endpoints, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || u.Host == "" {
		return endpoints{}, fmt.Errorf("invalid konnect base URL %q", base)
	}
	if err := trusted(u); err != nil {
		return endpoints{}, err
	}
	u.Path = strings.TrimSuffix(u.Path, "/v3")
	if isLoopback(u.Hostname()) {
		return endpoints{regional: u, identity: u}, nil
	}
	g, _ := url.Parse(GlobalBaseURL)
	if strings.HasSuffix(u.Hostname(), "konghq.tech") {
		g.Host = "global.api.konghq.tech"
	}
	return endpoints{regional: u, identity: g}, nil
}

// trusted refuses any host a Konnect credential must not reach: anything
// but https on konghq.com or konghq.tech, or a loopback address.
func trusted(u *url.URL) error {
	host := strings.ToLower(u.Hostname())
	if isLoopback(host) {
		if u.Scheme != "http" && u.Scheme != "https" {
			return fmt.Errorf("refusing to send a credential to host %q: scheme %q is not http or https", host, u.Scheme)
		}
		return nil
	}
	if u.Scheme != "https" {
		return fmt.Errorf("refusing to send a credential to host %q: konnect URL must use HTTPS, got %q", host, u.Scheme)
	}
	for _, d := range []string{"konghq.com", "konghq.tech"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return nil
		}
	}
	return fmt.Errorf("refusing to send a credential to host %q: it is not a trusted konghq.com domain or a loopback address", host)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
