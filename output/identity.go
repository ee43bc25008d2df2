package output

import (
	"fmt"
	"time"
)

// missing is kongctl's display value for a field the API left out.
const missing = "n/a"

// UserRecord is kongctl's organizationUserRecord: what get organization
// users and user <id|email> print in every format. Values are display
// strings: active as "true"/"false", times local as 2006-01-02 15:04:05,
// "n/a" for anything missing.
type UserRecord struct {
	ID             string `json:"id"`
	Email          string `json:"email"`
	FullName       string `json:"full_name"`
	PreferredName  string `json:"preferred_name"`
	Active         string `json:"active"`
	InferredRegion string `json:"inferred_region"`
	CreatedAt      string `json:"created_at"`
	UpdatedAt      string `json:"updated_at"`
}

// NewUserRecord builds a UserRecord from the API's fields; times are
// RFC 3339 strings as Konnect sends them, shown in loc.
func NewUserRecord(id, email, fullName, preferredName string, active *bool, region, createdAt, updatedAt string, loc *time.Location) UserRecord {
	r := UserRecord{ID: orMissing(id), Email: orMissing(email), FullName: orMissing(fullName),
		PreferredName: orMissing(preferredName), Active: missing, InferredRegion: orMissing(region),
		CreatedAt: localTime(createdAt, loc), UpdatedAt: localTime(updatedAt, loc)}
	if active != nil {
		r.Active = fmt.Sprintf("%t", *active)
	}
	return r
}

func orMissing(s string) string {
	if s == "" {
		return missing
	}
	return s
}

func localTime(s string, loc *time.Location) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return orMissing(s)
	}
	return t.In(loc).Format("2006-01-02 15:04:05")
}

// UserRoleRecord, TeamRole and SystemAccountRoleRecord are what kongctl
// prints for role assignments, in its field order: a user's and a system
// account's display records name their holder; a team's roles are the
// API's AssignedRole.
type UserRoleRecord struct {
	ID             string `json:"id"`
	UserID         string `json:"user_id"`
	RoleName       string `json:"role_name"`
	EntityID       string `json:"entity_id"`
	EntityTypeName string `json:"entity_type_name"`
	EntityRegion   string `json:"entity_region"`
}

type TeamRole struct {
	ID             string `json:"id,omitempty"`
	RoleName       string `json:"role_name,omitempty"`
	EntityID       string `json:"entity_id,omitempty"`
	EntityTypeName string `json:"entity_type_name,omitempty"`
	EntityRegion   string `json:"entity_region,omitempty"`
}

type SystemAccountRoleRecord struct {
	ID              string `json:"id"`
	SystemAccountID string `json:"system_account_id"`
	RoleName        string `json:"role_name"`
	EntityID        string `json:"entity_id"`
	EntityTypeName  string `json:"entity_type_name"`
	EntityRegion    string `json:"entity_region"`
}

// SystemAccountTeamRecord is one team a system account belongs to.
type SystemAccountTeamRecord struct {
	ID              string `json:"id"`
	SystemAccountID string `json:"system_account_id"`
	Name            string `json:"name"`
}
