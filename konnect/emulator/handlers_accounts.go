package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
)

func (e *Emulator) listAccounts(w http.ResponseWriter, r *http.Request, _ principal) {
	list(w, r, "get-system-accounts", e.accounts)
}

func (e *Emulator) getAccount(w http.ResponseWriter, r *http.Request, _ principal) {
	if a := e.findAccount(r.PathValue("accountId")); a != nil {
		writeJSON(w, http.StatusOK, a)
		return
	}
	notFound(w, "system account")
}

// createAccount: name and description are required; a taken name is 409.
func (e *Emulator) createAccount(w http.ResponseWriter, r *http.Request, who principal) {
	if !e.isOwner(who) {
		forbidden(w)
		return
	}
	var body struct {
		Name           *string `json:"name"`
		Description    *string `json:"description"`
		KonnectManaged bool    `json:"konnect_managed"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	var bad []invalidParam
	if body.Name == nil || strings.TrimSpace(*body.Name) == "" {
		bad = append(bad, invalidParam{Field: "name", Reason: "cannot be blank", Rule: "required"})
	}
	if body.Description == nil {
		bad = append(bad, invalidParam{Field: "description", Reason: "is required", Rule: "required"})
	}
	if len(bad) > 0 {
		badRequest(w, bad...)
		return
	}
	for _, a := range e.accounts {
		if a.Name == *body.Name {
			conflict(w, "A system account with this name already exists")
			return
		}
	}
	now := ts(e.now())
	a := &systemAccount{ID: newID(), Name: *body.Name, Description: *body.Description,
		KonnectManaged: body.KonnectManaged, CreatedAt: now, UpdatedAt: now}
	e.accounts = append(e.accounts, a)
	writeJSON(w, http.StatusCreated, a)
}

// decodeBody reads one JSON object, refusing unknown fields as the spec's
// closed schemas do.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		reason := "request format is invalid"
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			badRequest(w, invalidParam{Field: strings.Trim(f, `"`), Reason: "is not allowed", Rule: "unknown_property", Source: "body"})
			return false
		}
		badRequest(w, invalidParam{Field: "body", Reason: reason, Source: "body"})
		return false
	}
	return true
}

// listAccountTeams is the teams a system account belongs to, paged and
// filtered like the team list.
func (e *Emulator) listAccountTeams(w http.ResponseWriter, r *http.Request, _ principal) {
	id := r.PathValue("accountId")
	if e.findAccount(id) == nil {
		notFound(w, "system account")
		return
	}
	var teams []*team
	for _, tid := range e.accountTeams[id] {
		if t := e.findTeam(tid); t != nil {
			teams = append(teams, t)
		}
	}
	list(w, r, "get-system-accounts-accountId-teams", teams)
}
