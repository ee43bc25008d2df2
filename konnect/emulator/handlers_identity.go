package emulator

import (
	"net/http"
)

func (e *Emulator) getMe(w http.ResponseWriter, r *http.Request, who principal) {
	writeJSON(w, http.StatusOK, e.findUser(who.userID))
}

func (e *Emulator) getOrganization(w http.ResponseWriter, r *http.Request, who principal) {
	writeJSON(w, http.StatusOK, e.org)
}

// list filters and pages items for a paged list operation.
func list[T any](w http.ResponseWriter, r *http.Request, op string, items []T) {
	q := r.URL.Query()
	cs, ok := parseFilters(w, op, q)
	if !ok {
		return
	}
	size, number, ok := paging(w, q)
	if !ok {
		return
	}
	var hits []T
	for _, it := range items {
		if matches(it, cs) {
			hits = append(hits, it)
		}
	}
	writeJSON(w, http.StatusOK, page(hits, size, number))
}

func (e *Emulator) listUsers(w http.ResponseWriter, r *http.Request, _ principal) {
	list(w, r, "list-users", e.users)
}

func (e *Emulator) getUser(w http.ResponseWriter, r *http.Request, _ principal) {
	if u := e.findUser(r.PathValue("userId")); u != nil {
		writeJSON(w, http.StatusOK, u)
		return
	}
	notFound(w, "user")
}

func (e *Emulator) listTeams(w http.ResponseWriter, r *http.Request, _ principal) {
	list(w, r, "list-teams", e.teams)
}

func (e *Emulator) getTeam(w http.ResponseWriter, r *http.Request, _ principal) {
	if t := e.findTeam(r.PathValue("teamId")); t != nil {
		writeJSON(w, http.StatusOK, t)
		return
	}
	notFound(w, "team")
}

// listRoles serves the three assigned-role lists. None takes paging
// parameters; the answer still carries meta.page, as the collection
// schema requires.
func listRoles(kind, param, op string) func(*Emulator, http.ResponseWriter, *http.Request, principal) {
	return func(e *Emulator, w http.ResponseWriter, r *http.Request, _ principal) {
		id := r.PathValue(param)
		var exists bool
		switch kind {
		case "user":
			exists = e.findUser(id) != nil
		case "team":
			exists = e.findTeam(id) != nil
		default:
			exists = e.findAccount(id) != nil
		}
		if !exists {
			notFound(w, kind)
			return
		}
		cs, ok := parseFilters(w, op, r.URL.Query())
		if !ok {
			return
		}
		hits := []assignedRole{}
		for _, ar := range e.roles[kind+":"+id] {
			if matches(ar, cs) {
				hits = append(hits, ar)
			}
		}
		writeJSON(w, http.StatusOK, page(hits, max(len(hits), 1), 1))
	}
}
