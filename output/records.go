package output

import (
	"fmt"
	"time"
)

// TokenRecord is what create pat/spat prints. The field order, names and
// omitempty rules are kongctl's createTokenRecord: type and token are always
// present. Times are strings made by FormatTime.
type TokenRecord struct {
	Type              string `json:"type"`
	ID                string `json:"id,omitempty"`
	Name              string `json:"name,omitempty"`
	Token             string `json:"token"`
	UserID            string `json:"user_id,omitempty"`
	SystemAccountID   string `json:"system_account_id,omitempty"`
	SystemAccountName string `json:"system_account_name,omitempty"`
	State             string `json:"state,omitempty"` // PATs only
	CreatedAt         string `json:"created_at,omitempty"`
	UpdatedAt         string `json:"updated_at,omitempty"`
	LastUsedAt        string `json:"last_used_at,omitempty"`
	ExpiresAt         string `json:"expires_at,omitempty"`
}

// TokenInfo is what get pat/spat prints: kongctl's getTokenRecord, which is
// TokenRecord without the secret.
type TokenInfo struct {
	Type              string `json:"type"`
	ID                string `json:"id,omitempty"`
	Name              string `json:"name,omitempty"`
	UserID            string `json:"user_id,omitempty"`
	SystemAccountID   string `json:"system_account_id,omitempty"`
	SystemAccountName string `json:"system_account_name,omitempty"`
	State             string `json:"state,omitempty"`
	CreatedAt         string `json:"created_at,omitempty"`
	UpdatedAt         string `json:"updated_at,omitempty"`
	LastUsedAt        string `json:"last_used_at,omitempty"`
	ExpiresAt         string `json:"expires_at,omitempty"`
}

// DeleteRecord is what delete pat/spat prints: kongctl's deleteTokenRecord.
type DeleteRecord struct {
	Type   string `json:"type"`
	ID     string `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
	Status string `json:"status"` // "deleted" once done
}

// text is kongctl's `Deleted pat "<name>"`, falling back to the id.
func (r DeleteRecord) text() string {
	label := r.Name
	if label == "" {
		label = r.ID
	}
	return fmt.Sprintf("Deleted %s %q\n", r.Type, label)
}

// text is kongctl's two-line create output.
func (r TokenRecord) text() string {
	return fmt.Sprintf("Created %s %q (%s)\ntoken: %s\n", r.Type, r.Name, r.ID, r.Token)
}

// FormatTime is kongctl's time format for records: UTC, RFC 3339, no
// fraction; the zero time is "" so omitempty drops it.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// FormatTimePtr is FormatTime for optional times.
func FormatTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return FormatTime(*t)
}
