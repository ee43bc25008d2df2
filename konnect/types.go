package konnect

import "encoding/json"

// The types below carry the spec's fields with its JSON names; optional
// fields are omitempty. Times stay strings, exactly as Konnect sent them.
// Raw keeps the object as received (kongctl prints `get me` from the raw
// object with sorted keys, and local filters see fields the types do not
// name). Types that hold a secret have no Raw.

// User is the spec's User.
type User struct {
	ID             string          `json:"id,omitempty"`
	Email          string          `json:"email,omitempty"`
	FullName       string          `json:"full_name,omitempty"`
	PreferredName  string          `json:"preferred_name,omitempty"`
	Active         *bool           `json:"active,omitempty"`
	InferredRegion string          `json:"inferred_region,omitempty"`
	CreatedAt      string          `json:"created_at,omitempty"`
	UpdatedAt      string          `json:"updated_at,omitempty"`
	Raw            json.RawMessage `json:"-"`
}

// Organization is the spec's MeOrganization.
type Organization struct {
	ID                  string          `json:"id,omitempty"`
	Name                string          `json:"name,omitempty"`
	OwnerID             string          `json:"owner_id,omitempty"`
	LoginPath           string          `json:"login_path,omitempty"`
	CreatedAt           string          `json:"created_at,omitempty"`
	UpdatedAt           string          `json:"updated_at,omitempty"`
	State               string          `json:"state,omitempty"`
	RetentionPeriodDays int             `json:"retention_period_days,omitempty"`
	Raw                 json.RawMessage `json:"-"`
}

// Team is the spec's Team / TeamResponse.
type Team struct {
	ID          string            `json:"id,omitempty"`
	Name        string            `json:"name,omitempty"`
	Description *string           `json:"description,omitempty"`
	SystemTeam  bool              `json:"system_team"`
	Labels      map[string]string `json:"labels,omitempty"`
	CreatedAt   string            `json:"created_at,omitempty"`
	UpdatedAt   string            `json:"updated_at,omitempty"`
	Raw         json.RawMessage   `json:"-"`
}

// SystemAccount is the spec's SystemAccount.
type SystemAccount struct {
	ID             string          `json:"id,omitempty"`
	Name           string          `json:"name,omitempty"`
	Description    string          `json:"description,omitempty"`
	KonnectManaged bool            `json:"konnect_managed"`
	CreatedAt      string          `json:"created_at,omitempty"`
	UpdatedAt      string          `json:"updated_at,omitempty"`
	Raw            json.RawMessage `json:"-"`
}

// AssignedRole is the spec's AssignedRole.
type AssignedRole struct {
	ID             string          `json:"id,omitempty"`
	RoleName       string          `json:"role_name,omitempty"`
	EntityID       string          `json:"entity_id,omitempty"`
	EntityTypeName string          `json:"entity_type_name,omitempty"`
	EntityRegion   string          `json:"entity_region,omitempty"`
	Raw            json.RawMessage `json:"-"`
}

// PAT is the spec's PersonalAccessToken: a PAT's metadata, never its secret.
type PAT struct {
	ID         string          `json:"id"`
	UserID     string          `json:"user_id"`
	Name       string          `json:"name"`
	State      string          `json:"state"` // ACTIVE, REVOKED or EXPIRED
	RevokedBy  *string         `json:"revoked_by,omitempty"`
	CreatedAt  string          `json:"created_at"`
	UpdatedAt  string          `json:"updated_at,omitempty"`
	LastUsedAt *string         `json:"last_used_at,omitempty"`
	ExpiresAt  *string         `json:"expires_at"`
	RevokedAt  *string         `json:"revoked_at,omitempty"`
	Raw        json.RawMessage `json:"-"`
}

// PATCreated is the one answer that carries a PAT's secret.
type PATCreated struct {
	PAT
	Token string `json:"konnect_token"`
}

// PATRequest asks for a PAT. Exactly one of TTLSeconds (86400–31536000)
// and ExpiresAt (RFC 3339, deprecated by Konnect) is set; the spec's oneOf
// refuses both.
type PATRequest struct {
	Name       string `json:"name"`
	TTLSeconds int64  `json:"ttl_seconds,omitempty"`
	ExpiresAt  string `json:"expires_at,omitempty"`
}

// SPAT is the spec's SystemAccountAccessToken: metadata, never the secret.
type SPAT struct {
	ID         string          `json:"id,omitempty"`
	Name       string          `json:"name,omitempty"`
	CreatedAt  string          `json:"created_at,omitempty"`
	UpdatedAt  string          `json:"updated_at,omitempty"`
	ExpiresAt  string          `json:"expires_at,omitempty"`
	LastUsedAt string          `json:"last_used_at,omitempty"`
	Raw        json.RawMessage `json:"-"`
}

// SPATCreated is the one answer that carries a SPAT's secret.
type SPATCreated struct {
	SPAT
	Token string `json:"token"`
}

// rawSetter lets generic decoding keep each object's raw form.
type rawSetter interface{ setRaw(json.RawMessage) }

func (u *User) setRaw(r json.RawMessage)          { u.Raw = r }
func (o *Organization) setRaw(r json.RawMessage)  { o.Raw = r }
func (t *Team) setRaw(r json.RawMessage)          { t.Raw = r }
func (s *SystemAccount) setRaw(r json.RawMessage) { s.Raw = r }
func (a *AssignedRole) setRaw(r json.RawMessage)  { a.Raw = r }
func (p *PAT) setRaw(r json.RawMessage)           { p.Raw = r }
func (s *SPAT) setRaw(r json.RawMessage)          { s.Raw = r }

// The created types must not keep their raw body: it holds the secret.
func (p *PATCreated) setRaw(json.RawMessage)  {}
func (s *SPATCreated) setRaw(json.RawMessage) {}
