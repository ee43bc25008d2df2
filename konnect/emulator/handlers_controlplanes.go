package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// controlPlane is the Control Planes v2 ControlPlane object.
type controlPlane struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Labels      map[string]string `json:"labels"`
	Config      cpConfig          `json:"config"`
	CreatedAt   string            `json:"created_at"`
	UpdatedAt   string            `json:"updated_at"`
}

type cpConfig struct {
	ControlPlaneEndpoint string     `json:"control_plane_endpoint"`
	TelemetryEndpoint    string     `json:"telemetry_endpoint"`
	ClusterType          string     `json:"cluster_type"`
	AuthType             string     `json:"auth_type"`
	CloudGateway         bool       `json:"cloud_gateway"`
	ProxyURLs            []proxyURL `json:"proxy_urls"`
}

type proxyURL struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
}

// cpWrite is the create and update request: pointers tell "absent" from
// "empty", which an update needs.
type cpWrite struct {
	Name         *string            `json:"name"`
	Description  *string            `json:"description"`
	ClusterType  *string            `json:"cluster_type"`
	AuthType     *string            `json:"auth_type"`
	CloudGateway *bool              `json:"cloud_gateway"`
	ProxyURLs    *[]proxyURL        `json:"proxy_urls"`
	Labels       *map[string]string `json:"labels"`
}

var (
	clusterTypes = []string{"CLUSTER_TYPE_CONTROL_PLANE", "CLUSTER_TYPE_K8S_INGRESS_CONTROLLER", "CLUSTER_TYPE_CONTROL_PLANE_GROUP",
		"CLUSTER_TYPE_SERVERLESS", "CLUSTER_TYPE_KAFKA_NATIVE_EVENT_PROXY", "CLUSTER_TYPE_SERVERLESS_V1"}
	authTypes = []string{"pinned_client_certs", "pki_client_certs"}
)

// newControlPlane builds a control plane with the endpoints Konnect would
// give it (a short hash host per plane).
func newControlPlane(id, name string, now time.Time) *controlPlane {
	h := strings.ReplaceAll(id, "-", "")[:10]
	ts := now.UTC().Format(stamp)
	return &controlPlane{ID: id, Name: name, Labels: map[string]string{}, CreatedAt: ts, UpdatedAt: ts,
		Config: cpConfig{ControlPlaneEndpoint: "https://" + h + ".cp.konghq.com", TelemetryEndpoint: "https://" + h + ".tp0.konghq.com",
			ClusterType: clusterTypes[0], AuthType: authTypes[0], ProxyURLs: []proxyURL{}}}
}

func (e *Emulator) findControlPlane(id string) (int, *controlPlane) {
	for i, cp := range e.controlPlanes {
		if cp.ID == id {
			return i, cp
		}
	}
	return -1, nil
}

// listControlPlanes pages the control planes that match filter[…] (id
// eq/oeq, name eq/neq/contains, cluster_type eq/neq/oeq, cloud_gateway)
// and labels (key:value or key, comma-separated, all must hold), sorted by
// sort=created_at [desc] when asked, else in creation order.
func (e *Emulator) listControlPlanes(w http.ResponseWriter, r *http.Request, _ principal) {
	q := r.URL.Query()
	cs, ok := parseFilters(w, "list-control-planes", q)
	if !ok {
		return
	}
	size, number, ok := paging(w, q)
	if !ok {
		return
	}
	var hits []*controlPlane
	for _, cp := range e.controlPlanes {
		if cpMatches(cp, cs) && labelsMatch(cp.Labels, q.Get("labels")) {
			hits = append(hits, cp)
		}
	}
	switch s := strings.TrimSpace(q.Get("sort")); s {
	case "", "created_at", "created_at asc":
	case "created_at desc":
		slices.Reverse(hits)
	default:
		badRequest(w, invalidParam{Field: "sort", Reason: "unsupported sort attribute [" + s + "]", Rule: "invalid", Source: "query"})
		return
	}
	start := (number - 1) * size
	if start/size != number-1 || start > len(hits) {
		start = len(hits)
	}
	writeJSON(w, http.StatusOK, paged(hits[start:min(start+size, len(hits))], size, number, len(hits)))
}

func cpMatches(cp *controlPlane, cs []cond) bool {
	for _, c := range cs {
		var v string
		switch c.field {
		case "id":
			v = cp.ID
		case "name":
			v = cp.Name
		case "cluster_type":
			v = cp.Config.ClusterType
		case "cloud_gateway":
			want, _ := strconv.ParseBool(c.value)
			if cp.Config.CloudGateway != want {
				return false
			}
			continue
		}
		var hit bool
		switch c.op {
		case "contains":
			hit = strings.Contains(v, c.value)
		case "neq":
			hit = v != c.value
		case "oeq":
			hit = slices.Contains(strings.Split(c.value, ","), v)
		default:
			hit = v == c.value
		}
		if !hit {
			return false
		}
	}
	return true
}

func labelsMatch(labels map[string]string, spec string) bool {
	for _, term := range strings.Split(spec, ",") {
		if term = strings.TrimSpace(term); term == "" {
			continue
		}
		k, v, kv := strings.Cut(term, ":")
		got, present := labels[k]
		if !present || (kv && got != v) {
			return false
		}
	}
	return true
}

func (e *Emulator) getControlPlane(w http.ResponseWriter, r *http.Request, _ principal) {
	if _, cp := e.findControlPlane(r.PathValue("controlPlaneId")); cp != nil {
		writeJSON(w, http.StatusOK, cp)
		return
	}
	notFound(w, "control plane")
}

// readCPWrite decodes a create or update body strictly, as Konnect does:
// an unknown property is a 400, not ignored.
func readCPWrite(w http.ResponseWriter, r *http.Request) (*cpWrite, bool) {
	var in cpWrite
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, 1<<20)); err != nil {
		badRequest(w, invalidParam{Field: "body", Reason: "could not be read", Rule: "invalid", Source: "body"})
		return nil, false
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		field, reason, rule := "body", "is not a valid control plane request", "invalid"
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			field, reason, rule = strings.Trim(f, `"`), "is not a known property", "unknown_property"
		}
		badRequest(w, invalidParam{Field: field, Reason: reason, Rule: rule, Source: "body"})
		return nil, false
	}
	var bad []invalidParam
	if in.Name != nil && (len(*in.Name) < 2 || len(*in.Name) > 256) {
		bad = append(bad, invalidParam{Field: "name", Reason: "must be between 2 and 256 characters", Rule: "invalid", Source: "body"})
	}
	if in.ClusterType != nil && !slices.Contains(clusterTypes, *in.ClusterType) {
		bad = append(bad, invalidParam{Field: "cluster_type", Reason: "must be one of " + strings.Join(clusterTypes, ", "), Rule: "invalid", Source: "body"})
	}
	if in.AuthType != nil && !slices.Contains(authTypes, *in.AuthType) {
		bad = append(bad, invalidParam{Field: "auth_type", Reason: "must be one of " + strings.Join(authTypes, ", "), Rule: "invalid", Source: "body"})
	}
	if in.Labels != nil {
		for k := range *in.Labels {
			for _, p := range []string{"kong", "konnect", "mesh", "kic", "_"} {
				if strings.HasPrefix(k, p) {
					bad = append(bad, invalidParam{Field: "labels." + k, Reason: fmt.Sprintf("keys must not start with %q", p), Rule: "is_label", Source: "body"})
				}
			}
		}
	}
	if len(bad) > 0 {
		badRequest(w, bad...)
		return nil, false
	}
	return &in, true
}

func (e *Emulator) nameTaken(name, except string) bool {
	for _, cp := range e.controlPlanes {
		if cp.Name == name && cp.ID != except {
			return true
		}
	}
	return false
}

func (e *Emulator) createControlPlane(w http.ResponseWriter, r *http.Request, _ principal) {
	in, ok := readCPWrite(w, r)
	if !ok {
		return
	}
	if in.Name == nil {
		badRequest(w, invalidParam{Field: "name", Reason: "is a required field", Rule: "required", Source: "body"})
		return
	}
	if e.nameTaken(*in.Name, "") {
		conflict(w, "Key (org_id, name)=("+e.org.ID+", "+*in.Name+") already exists.")
		return
	}
	cp := newControlPlane(newID(), *in.Name, e.now())
	if in.ClusterType != nil {
		cp.Config.ClusterType = *in.ClusterType
	}
	if in.CloudGateway != nil {
		cp.Config.CloudGateway = *in.CloudGateway
	}
	applyCPWrite(cp, in)
	e.controlPlanes = append(e.controlPlanes, cp)
	writeJSON(w, http.StatusCreated, cp)
}

func applyCPWrite(cp *controlPlane, in *cpWrite) {
	if in.Name != nil {
		cp.Name = *in.Name
	}
	if in.Description != nil {
		cp.Description = *in.Description
	}
	if in.AuthType != nil {
		cp.Config.AuthType = *in.AuthType
	}
	if in.ProxyURLs != nil {
		cp.Config.ProxyURLs = append([]proxyURL{}, *in.ProxyURLs...)
	}
	if in.Labels != nil {
		cp.Labels = map[string]string{}
		for k, v := range *in.Labels {
			cp.Labels[k] = v
		}
	}
}

func (e *Emulator) updateControlPlane(w http.ResponseWriter, r *http.Request, _ principal) {
	_, cp := e.findControlPlane(r.PathValue("controlPlaneId"))
	if cp == nil {
		notFound(w, "control plane")
		return
	}
	in, ok := readCPWrite(w, r)
	if !ok {
		return
	}
	if in.Name != nil && e.nameTaken(*in.Name, cp.ID) {
		conflict(w, "Key (org_id, name)=("+e.org.ID+", "+*in.Name+") already exists.")
		return
	}
	applyCPWrite(cp, in)
	cp.UpdatedAt = e.now().UTC().Format(stamp)
	writeJSON(w, http.StatusOK, cp)
}

func (e *Emulator) deleteControlPlane(w http.ResponseWriter, r *http.Request, _ principal) {
	i, cp := e.findControlPlane(r.PathValue("controlPlaneId"))
	if cp == nil {
		notFound(w, "control plane")
		return
	}
	e.controlPlanes = slices.Delete(e.controlPlanes, i, i+1)
	w.WriteHeader(http.StatusNoContent)
}
