package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
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
	// Encoded whole first, so a page goes out with a Content-Length in
	// one write instead of chunked 4 KB at a time, and a client can size
	// its buffer once.
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func i64(v int64) *int64 { return &v }
