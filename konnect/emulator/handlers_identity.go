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
	// Only the requested page is collected; the rest are counted for
	// meta.page.total. Copying every hit for every page made a 10,000-user
	// listing at 100 a page copy a million pointers, and the emulator runs
	// in the same process as the benchmarks that time konnectd's paging.
	start := (number - 1) * size
	if start/size != number-1 || start > len(items) { // past any data (or overflowed)
		start = len(items)
	}
	if len(cs) == 0 {
		end := min(start+size, len(items))
		writeJSON(w, http.StatusOK, paged(items[start:end], size, number, len(items)))
		return
	}
	data, total := []T{}, 0
	for _, it := range items {
		if !matches(it, cs) {
			continue
		}
		if total >= start && total-start < size {
			data = append(data, it)
		}
		total++
	}
	writeJSON(w, http.StatusOK, paged(data, size, number, total))
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
		writeJSON(w, http.StatusOK, paged(hits, max(len(hits), 1), 1, len(hits)))
	}
}
