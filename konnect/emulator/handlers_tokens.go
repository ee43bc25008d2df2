package emulator

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"time"
)

// patNameRE is the spec's PATName pattern.
var patNameRE = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N} _\-\.']*[\p{L}\p{N}]$`)

const (
	minTTL  = 86400
	maxTTL  = 31536000
	maxPATs = 10
)

func (e *Emulator) patByID(userID, id string) *pat {
	for _, p := range e.pats[userID] {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func (e *Emulator) spatByID(accountID, id string) *spat {
	for _, s := range e.spats[accountID] {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// patOwner checks the path's user exists and that who may touch its
// tokens: the user themself or the organization owner.
func (e *Emulator) patOwner(w http.ResponseWriter, r *http.Request, who principal) (string, bool) {
	id := r.PathValue("userId")
	if e.findUser(id) == nil {
		notFound(w, "user")
		return "", false
	}
	if who.userID != id && !e.isOwner(who) {
		forbidden(w)
		return "", false
	}
	return id, true
}

// listPATs answers with the flat PageMeta this operation uses.
func (e *Emulator) listPATs(w http.ResponseWriter, r *http.Request, who principal) {
	uid, ok := e.patOwner(w, r, who)
	if !ok {
		return
	}
	now := e.now()
	data := []map[string]any{}
	for _, p := range e.pats[uid] {
		data = append(data, p.view(now))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"meta": map[string]any{"number": 1, "size": len(data), "total": len(data)},
		"data": data,
	})
}

func (e *Emulator) createPAT(w http.ResponseWriter, r *http.Request, who principal) {
	uid, ok := e.patOwner(w, r, who)
	if !ok {
		return
	}
	var body struct {
		Name       *string      `json:"name"`
		TTLSeconds *json.Number `json:"ttl_seconds"`
		ExpiresAt  *string      `json:"expires_at"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	now := e.now()
	var bad []invalidParam
	switch {
	case body.Name == nil:
		bad = append(bad, invalidParam{Field: "name", Reason: "is required", Rule: "required", Source: "body"})
	case len(*body.Name) > 256 || !patNameRE.MatchString(*body.Name):
		bad = append(bad, invalidParam{Field: "name", Reason: "must start and end with a letter or digit and contain only letters, digits, spaces, _ - . '", Rule: "matches_regex", Source: "body"})
	}
	var expires time.Time
	switch {
	case (body.TTLSeconds == nil) == (body.ExpiresAt == nil):
		bad = append(bad, invalidParam{Field: "body", Reason: "exactly one of ttl_seconds or expires_at is required", Rule: "invalid", Source: "body"})
	case body.TTLSeconds != nil:
		ttl, err := body.TTLSeconds.Int64()
		switch {
		case err != nil:
			bad = append(bad, invalidParam{Field: "ttl_seconds", Reason: "must be an integer", Rule: "is_integer", Source: "body"})
		case ttl < minTTL:
			bad = append(bad, invalidParam{Field: "ttl_seconds", Reason: "must be at least 86400", Rule: "min", Minimum: i64(minTTL), Source: "body"})
		case ttl > maxTTL:
			bad = append(bad, invalidParam{Field: "ttl_seconds", Reason: "must be at most 31536000", Rule: "max", Maximum: i64(maxTTL), Source: "body"})
		default:
			expires = now.Add(time.Duration(ttl) * time.Second)
		}
	default:
		t, err := time.Parse(time.RFC3339Nano, *body.ExpiresAt)
		switch {
		case err != nil:
			bad = append(bad, invalidParam{Field: "expires_at", Reason: "must be a date-time", Rule: "is_date_time", Source: "body"})
		case !t.After(now):
			bad = append(bad, invalidParam{Field: "expires_at", Reason: "must be in the future", Rule: "invalid", Source: "body"})
		default:
			expires = t
		}
	}
	if len(bad) == 0 && len(e.pats[uid]) >= maxPATs {
		bad = append(bad, invalidParam{Field: "name", Reason: "a maximum of 10 personal access tokens can be created", Rule: "max_items", Maximum: i64(maxPATs), Source: "body"})
	}
	if len(bad) > 0 {
		badRequest(w, bad...)
		return
	}
	p := &pat{ID: newID(), UserID: uid, Name: *body.Name, CreatedAt: now, UpdatedAt: now, ExpiresAt: expires}
	secret := newPATSecret()
	e.pats[uid] = append(e.pats[uid], p)
	e.tokens[secret] = principal{userID: uid, tokenID: p.ID}
	e.created = append(e.created, CreatedToken{Kind: "pat", ID: p.ID, Name: p.Name, OwnerID: uid, Secret: secret})
	v := p.view(now)
	v["konnect_token"] = secret
	delete(v, "revoked_by") // not a field of the create response's example; nullable either way
	writeJSON(w, http.StatusCreated, v)
}

func (e *Emulator) getPAT(w http.ResponseWriter, r *http.Request, who principal) {
	uid, ok := e.patOwner(w, r, who)
	if !ok {
		return
	}
	p := e.patByID(uid, r.PathValue("tokenId"))
	if p == nil {
		notFound(w, "personal access token")
		return
	}
	writeJSON(w, http.StatusOK, p.view(e.now()))
}

func (e *Emulator) deletePAT(w http.ResponseWriter, r *http.Request, who principal) {
	uid, ok := e.patOwner(w, r, who)
	if !ok {
		return
	}
	id := r.PathValue("tokenId")
	list := e.pats[uid]
	for i, p := range list {
		if p.ID == id {
			e.pats[uid] = append(list[:i:i], list[i+1:]...)
			e.forget(func(pr principal) bool { return pr.tokenID == id })
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	notFound(w, "personal access token")
}

func (e *Emulator) revokePAT(w http.ResponseWriter, r *http.Request, who principal) {
	uid, ok := e.patOwner(w, r, who)
	if !ok {
		return
	}
	p := e.patByID(uid, r.PathValue("tokenId"))
	if p == nil {
		notFound(w, "personal access token")
		return
	}
	now := e.now()
	if p.RevokedAt == nil {
		p.RevokedAt, p.UpdatedAt = &now, now
		p.RevokedBy = who.userID
	}
	writeJSON(w, http.StatusOK, p.view(now))
}

// forget drops token index entries (the secret is unusable afterwards).
func (e *Emulator) forget(match func(principal) bool) {
	for k, pr := range e.tokens {
		if match(pr) {
			delete(e.tokens, k)
		}
	}
}

func (e *Emulator) spatAccount(w http.ResponseWriter, r *http.Request, who principal) (string, bool) {
	id := r.PathValue("accountId")
	if e.findAccount(id) == nil {
		notFound(w, "system account")
		return "", false
	}
	if !e.isOwner(who) && who.accountID != id {
		forbidden(w)
		return "", false
	}
	return id, true
}

func (e *Emulator) listSPATs(w http.ResponseWriter, r *http.Request, who principal) {
	aid, ok := e.spatAccount(w, r, who)
	if !ok {
		return
	}
	views := make([]map[string]any, 0, len(e.spats[aid]))
	for _, s := range e.spats[aid] {
		views = append(views, s.view())
	}
	sort.SliceStable(views, func(i, j int) bool { return views[i]["created_at"].(string) < views[j]["created_at"].(string) })
	list(w, r, "get-system-account-id-access-tokens", views)
}

func (e *Emulator) createSPAT(w http.ResponseWriter, r *http.Request, who principal) {
	aid, ok := e.spatAccount(w, r, who)
	if !ok {
		return
	}
	var body struct {
		Name      *string `json:"name"`
		ExpiresAt *string `json:"expires_at"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	now := e.now()
	var bad []invalidParam
	if body.Name == nil || *body.Name == "" {
		bad = append(bad, invalidParam{Field: "name", Reason: "cannot be blank", Rule: "required", Source: "body"})
	}
	var expires time.Time
	if body.ExpiresAt == nil {
		bad = append(bad, invalidParam{Field: "expires_at", Reason: "is required", Rule: "required", Source: "body"})
	} else if t, err := time.Parse(time.RFC3339Nano, *body.ExpiresAt); err != nil {
		bad = append(bad, invalidParam{Field: "expires_at", Reason: "must be a date-time", Rule: "is_date_time", Source: "body"})
	} else if !t.After(now) {
		bad = append(bad, invalidParam{Field: "expires_at", Reason: "must be in the future", Rule: "invalid", Source: "body"})
	} else {
		expires = t
	}
	if len(bad) > 0 {
		badRequest(w, bad...)
		return
	}
	for _, s := range e.spats[aid] {
		if s.Name == *body.Name {
			conflict(w, "An access token with this name already exists for this system account")
			return
		}
	}
	s := &spat{ID: newID(), AccountID: aid, Name: *body.Name, CreatedAt: now, UpdatedAt: now, ExpiresAt: expires}
	secret := newSPATSecret()
	e.spats[aid] = append(e.spats[aid], s)
	e.tokens[secret] = principal{accountID: aid, tokenID: s.ID}
	e.created = append(e.created, CreatedToken{Kind: "spat", ID: s.ID, Name: s.Name, OwnerID: aid, Secret: secret})
	v := s.view()
	v["token"] = secret
	writeJSON(w, http.StatusCreated, v)
}

func (e *Emulator) getSPAT(w http.ResponseWriter, r *http.Request, who principal) {
	aid, ok := e.spatAccount(w, r, who)
	if !ok {
		return
	}
	s := e.spatByID(aid, r.PathValue("tokenId"))
	if s == nil {
		notFound(w, "access token")
		return
	}
	writeJSON(w, http.StatusOK, s.view())
}

func (e *Emulator) deleteSPAT(w http.ResponseWriter, r *http.Request, who principal) {
	aid, ok := e.spatAccount(w, r, who)
	if !ok {
		return
	}
	id := r.PathValue("tokenId")
	list := e.spats[aid]
	for i, s := range list {
		if s.ID == id {
			e.spats[aid] = append(list[:i:i], list[i+1:]...)
			e.forget(func(pr principal) bool { return pr.tokenID == id })
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	notFound(w, "access token")
}
