package emulator

import (
	"time"
)

// The stored objects carry the spec's JSON names, so a response is the
// object marshalled as it is (filters run on that very JSON).

// user is the spec's User plus `name`. Konnect's filtering doc shows users
// with a `name` (a first name: "Charlie", "Alex") that the User schema does
// not list. User is not additionalProperties:false, so the emulator keeps
// the doc's field next to the spec's preferred_name (same value) and the
// doc's examples hold word for word, while every response still validates.
type user struct {
	ID             string  `json:"id"`
	Email          string  `json:"email"`
	Name           string  `json:"name,omitempty"`
	FullName       string  `json:"full_name"`
	PreferredName  string  `json:"preferred_name,omitempty"`
	Active         bool    `json:"active"`
	InferredRegion string  `json:"inferred_region,omitempty"`
	CreatedAt      string  `json:"created_at"`
	UpdatedAt      *string `json:"updated_at,omitempty"`
}

type team struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description *string           `json:"description"`
	SystemTeam  bool              `json:"system_team"`
	Labels      map[string]string `json:"labels"`
	CreatedAt   string            `json:"created_at"`
	UpdatedAt   string            `json:"updated_at"`
}

type systemAccount struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Description    string `json:"description"`
	KonnectManaged bool   `json:"konnect_managed"`
	CreatedAt      string `json:"created_at"`
	UpdatedAt      string `json:"updated_at"`
}

type assignedRole struct {
	ID             string `json:"id"`
	RoleName       string `json:"role_name"`
	EntityID       string `json:"entity_id"`
	EntityTypeName string `json:"entity_type_name"`
	EntityRegion   string `json:"entity_region"`
}

type organization struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	OwnerID             string `json:"owner_id"`
	LoginPath           string `json:"login_path"`
	CreatedAt           string `json:"created_at"`
	UpdatedAt           string `json:"updated_at"`
	State               string `json:"state"`
	RetentionPeriodDays int    `json:"retention_period_days"`
}

// pat is a personal access token as stored: the secret is kept only as a
// lookup key in the token index, never here.
type pat struct {
	ID         string
	UserID     string
	Name       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	RevokedBy  string
}

type spat struct {
	ID         string
	AccountID  string
	Name       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
}

// principal is who a bearer token speaks for.
type principal struct {
	userID    string // set for a PAT
	accountID string // set for a SPAT
	tokenID   string
}

const stamp = "2006-01-02T15:04:05.000Z"

func ts(t time.Time) string { return t.UTC().Format(stamp) }

func tsp(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := ts(*t)
	return &s
}

func (p *pat) state(now time.Time) string {
	switch {
	case p.RevokedAt != nil:
		return "REVOKED"
	case !now.Before(p.ExpiresAt):
		return "EXPIRED"
	}
	return "ACTIVE"
}

// view is the spec's PersonalAccessToken.
func (p *pat) view(now time.Time) map[string]any {
	m := map[string]any{
		"id": p.ID, "user_id": p.UserID, "name": p.Name, "state": p.state(now),
		"created_at": ts(p.CreatedAt), "updated_at": ts(p.UpdatedAt), "expires_at": ts(p.ExpiresAt),
		"last_used_at": tsp(p.LastUsedAt), "revoked_at": tsp(p.RevokedAt), "revoked_by": nil,
	}
	if p.RevokedBy != "" {
		m["revoked_by"] = p.RevokedBy
	}
	return m
}

// view is the spec's SystemAccountAccessToken.
func (s *spat) view() map[string]any {
	m := map[string]any{
		"id": s.ID, "name": s.Name, "created_at": ts(s.CreatedAt), "updated_at": ts(s.UpdatedAt),
		"expires_at": ts(s.ExpiresAt),
	}
	if s.LastUsedAt != nil {
		m["last_used_at"] = ts(*s.LastUsedAt)
	}
	return m
}
