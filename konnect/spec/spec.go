// Package spec carries Konnect's official Identity and Organizations v3 and
// Control Planes v2 OpenAPI documents (byte-identical copies, embedded) and holds HTTP traffic
// to them: a validating http.RoundTripper for clients and a validating
// middleware for servers, both built on kin-openapi's openapi3filter.
//
// It judges traffic; it never changes it. A violation is reported, not
// repaired, and the request still goes through, so a test can collect every
// mismatch of a run and assert there were none. It knows nothing of konnectd
// or of the emulator.
package spec

import (
	"context"
	_ "embed"
	"fmt"
	"net/url"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// The documents are Konnect's official specs as published, but for three
// example values in the identity spec (a konnect_token and two SPAT
// tokens), cut short as the specs cut their other examples (kpat_xgfT...):
// written in full they have a real token's shape, which secret scanners
// and konnectd's own redaction rightly flag. Examples are not validated.
//
//go:embed identity/v3/openapi.yaml
var identityYAML []byte

//go:embed organizations/v3/openapi.yaml
var organizationsYAML []byte

//go:embed control-planes/v2/openapi.yaml
var controlPlanesYAML []byte

// GlobalHost is the host every identity operation is declared on. Traffic
// sent elsewhere (a loopback emulator) is routed as if it were sent here.
const GlobalHost = "global.api.konghq.com"

// RegionalHost is the first of the regional hosts the Control Planes
// document declares; regional traffic, whatever host it went to, is routed
// as if it were sent here (every region serves the same operations).
const RegionalHost = "us.api.konghq.com"

// Docs holds the loaded documents and their routers.
type Docs struct {
	Identity      *openapi3.T
	Organizations *openapi3.T
	ControlPlanes *openapi3.T
	routers       []docRouter
}

// docRouter is one document's router and the host its servers declare.
type docRouter struct {
	router routers.Router
	host   string
}

func (d *Docs) docs() []*openapi3.T {
	return []*openapi3.T{d.Identity, d.Organizations, d.ControlPlanes}
}

var (
	loadOnce sync.Once
	loaded   *Docs
	loadErr  error
)

// Load parses and validates the embedded documents once per process.
func Load() (*Docs, error) {
	loadOnce.Do(func() { loaded, loadErr = load() })
	return loaded, loadErr
}

func load() (*Docs, error) {
	d := &Docs{}
	for _, src := range []struct {
		name string
		data []byte
		dst  **openapi3.T
		host string
	}{
		{"identity", identityYAML, &d.Identity, GlobalHost},
		{"organizations", organizationsYAML, &d.Organizations, GlobalHost},
		{"control planes", controlPlanesYAML, &d.ControlPlanes, RegionalHost},
	} {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(src.data)
		if err != nil {
			return nil, fmt.Errorf("load %s spec: %w", src.name, err)
		}
		// Example values in the official files do not always match their
		// schemas; that is the publisher's business, not a traffic fault.
		if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
			return nil, fmt.Errorf("validate %s spec: %w", src.name, err)
		}
		r, err := legacy.NewRouter(doc)
		if err != nil {
			return nil, fmt.Errorf("route %s spec: %w", src.name, err)
		}
		*src.dst = doc
		d.routers = append(d.routers, docRouter{router: r, host: src.host})
	}
	return d, nil
}

// aimedAt returns u re-aimed at host, where a document declares its
// operations, keeping path and query.
func aimedAt(u *url.URL, host string) *url.URL {
	g := *u
	g.Scheme = "https"
	g.Host = host
	return &g
}
