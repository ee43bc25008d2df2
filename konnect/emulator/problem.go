package emulator

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
)

type invalidParam struct {
	Field   string `json:"field"`
	Reason  string `json:"reason"`
	Rule    string `json:"rule,omitempty"`
	Source  string `json:"source,omitempty"`
	Minimum *int64 `json:"minimum,omitempty"`
	Maximum *int64 `json:"maximum,omitempty"`
}

func traceID() string { return fmt.Sprintf("kong:trace:%d", rand.Int64N(1e18)) }

// problem writes an application/problem+json error, the only error shape
// Konnect uses.
func problem(w http.ResponseWriter, status int, title, detail string, params ...invalidParam) {
	body := map[string]any{"status": status, "title": title, "detail": detail, "instance": traceID()}
	if len(params) > 0 {
		body["invalid_parameters"] = params
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

func badRequest(w http.ResponseWriter, params ...invalidParam) {
	problem(w, http.StatusBadRequest, "Bad Request", "", params...)
}

func notFound(w http.ResponseWriter, what string) {
	problem(w, http.StatusNotFound, "Not Found", "The requested "+what+" was not found")
}

func conflict(w http.ResponseWriter, detail string) {
	problem(w, http.StatusConflict, "Resource Conflict", detail)
}

func unauthorized(w http.ResponseWriter, detail string) {
	problem(w, http.StatusUnauthorized, "Unauthorized", detail)
}

func forbidden(w http.ResponseWriter) {
	problem(w, http.StatusForbidden, "Forbidden", "You do not have permission to perform this action")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func i64(v int64) *int64 { return &v }
