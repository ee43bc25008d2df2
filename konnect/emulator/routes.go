package emulator

import (
	"net/http"
	"strings"
)

// route is one operation: its mux pattern, its spec operationId, whether a
// system account token may call it (the spec's per-operation security),
// and the handler, which runs with e.mu held.
type route struct {
	pattern string
	op      string
	spatOK  bool
	handle  func(e *Emulator, w http.ResponseWriter, r *http.Request, who principal)
}

var routeTable = []route{
	{"GET /v3/users/me", "get-users-me", false, (*Emulator).getMe},
	{"GET /v3/organizations/me", "get-organizations-me", true, (*Emulator).getOrganization},
	{"GET /v3/users", "list-users", true, (*Emulator).listUsers},
	{"GET /v3/users/{userId}", "get-user", true, (*Emulator).getUser},
	{"GET /v3/users/{userId}/assigned-roles", "list-user-roles", true, listRoles("user", "userId", "list-user-roles")},
	{"GET /v3/teams", "list-teams", true, (*Emulator).listTeams},
	{"GET /v3/teams/{teamId}", "get-team", true, (*Emulator).getTeam},
	{"GET /v3/teams/{teamId}/assigned-roles", "list-team-roles", true, listRoles("team", "teamId", "list-team-roles")},
	{"GET /v3/system-accounts", "get-system-accounts", true, (*Emulator).listAccounts},
	{"POST /v3/system-accounts", "post-system-accounts", true, (*Emulator).createAccount},
	{"GET /v3/system-accounts/{accountId}", "get-system-accounts-id", true, (*Emulator).getAccount},
	{"GET /v3/system-accounts/{accountId}/teams", "get-system-accounts-accountId-teams", true, (*Emulator).listAccountTeams},
	{"GET /v3/system-accounts/{accountId}/assigned-roles", "get-system-accounts-accountId-assigned-roles", true,
		listRoles("system-account", "accountId", "get-system-accounts-accountId-assigned-roles")},
	{"GET /v3/users/{userId}/access-tokens", "list-users-personal-access-tokens", false, (*Emulator).listPATs},
	{"POST /v3/users/{userId}/access-tokens", "create-personal-access-token", false, (*Emulator).createPAT},
	{"GET /v3/users/{userId}/access-tokens/{tokenId}", "get-personal-access-token-details", false, (*Emulator).getPAT},
	{"DELETE /v3/users/{userId}/access-tokens/{tokenId}", "delete-personal-access-token", false, (*Emulator).deletePAT},
	{"PATCH /v3/users/{userId}/access-tokens/{tokenId}/revoke", "revoke-personal-access-token", false, (*Emulator).revokePAT},
	{"GET /v3/system-accounts/{accountId}/access-tokens", "get-system-account-id-access-tokens", true, (*Emulator).listSPATs},
	{"POST /v3/system-accounts/{accountId}/access-tokens", "post-system-accounts-id-access-tokens", true, (*Emulator).createSPAT},
	{"GET /v3/system-accounts/{accountId}/access-tokens/{tokenId}", "get-system-accounts-id-access-tokens-id", true, (*Emulator).getSPAT},
	{"DELETE /v3/system-accounts/{accountId}/access-tokens/{tokenId}", "delete-system-accounts-id-access-tokens-id", true, (*Emulator).deleteSPAT},
	// Control Planes v2: a regional API, served on the same host.
	{"GET /v2/control-planes", "list-control-planes", true, (*Emulator).listControlPlanes},
	{"POST /v2/control-planes", "create-control-plane", true, (*Emulator).createControlPlane},
	{"GET /v2/control-planes/{controlPlaneId}", "get-control-plane", true, (*Emulator).getControlPlane},
	{"PATCH /v2/control-planes/{controlPlaneId}", "update-control-plane", true, (*Emulator).updateControlPlane},
	{"DELETE /v2/control-planes/{controlPlaneId}", "delete-control-plane", true, (*Emulator).deleteControlPlane},
}

// Operations lists the spec operationIds the emulator serves.
func Operations() []string {
	out := make([]string, len(routeTable))
	for i, rt := range routeTable {
		out[i] = rt.op
	}
	return out
}

func (e *Emulator) routes() {
	e.mux = http.NewServeMux()
	e.ops = map[string]string{}
	for _, rt := range routeTable {
		e.ops[rt.pattern] = rt.op
		e.mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) {
			e.mu.Lock()
			defer e.mu.Unlock()
			who, ok := e.authenticate(w, r, rt.spatOK)
			if !ok {
				return
			}
			rt.handle(e, w, r, who)
		})
	}
	e.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		problem(w, http.StatusNotFound, "Not Found", "No route for "+r.Method+" "+r.URL.Path)
	})
}

// authenticate resolves the bearer token. Unknown and expired tokens get
// 401, and so does a PAT revoked longer ago than the grace (usable), and so does a SPAT where the spec does not list the
// system account scheme. It must run with e.mu held.
func (e *Emulator) authenticate(w http.ResponseWriter, r *http.Request, spatOK bool) (principal, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	who, known := e.tokens[tok]
	if !ok || !known {
		unauthorized(w, "Invalid credentials")
		return principal{}, false
	}
	now := e.now()
	if who.userID != "" {
		p := e.patByID(who.userID, who.tokenID)
		if p == nil || !e.usable(p, now) {
			unauthorized(w, "Invalid credentials")
			return principal{}, false
		}
		p.LastUsedAt = &now
		return who, true
	}
	s := e.spatByID(who.accountID, who.tokenID)
	if s == nil || !now.Before(s.ExpiresAt) {
		unauthorized(w, "Invalid credentials")
		return principal{}, false
	}
	if !spatOK {
		unauthorized(w, "A system account access token cannot be used for this operation")
		return principal{}, false
	}
	s.LastUsedAt = &now
	return who, true
}

// isOwner reports whether who may act on anything in the organization.
func (e *Emulator) isOwner(who principal) bool { return who.userID == e.org.OwnerID }
