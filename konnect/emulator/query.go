package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// filterRule is what one operation lets a client filter on, per the spec:
// field → operators. "labels.*" stands for every label key; bool fields
// take the bare value.
type filterRule map[string][]string

var filterRules = map[string]filterRule{
	"list-users": {"id": {"eq"}, "email": {"contains", "eq"}, "full_name": {"contains", "eq"}, "active": {"eq"}},
	"list-teams": {"name": {"contains", "eq"}, "labels.*": {"contains", "eq", "exists"}},
	"get-system-accounts": {"description": {"contains", "eq"}, "konnect_managed": {"eq"},
		"name": {"contains", "eq"}},
	"get-system-account-id-access-tokens":          {"name": {"contains", "eq"}},
	"get-system-accounts-accountId-teams":          {"name": {"contains", "eq"}},
	"list-user-roles":                              {"entity_id": {"eq"}, "entity_type_name": {"eq"}, "role_name": {"eq"}},
	"list-team-roles":                              {"entity_type_name": {"eq"}, "role_name": {"eq"}},
	"get-system-accounts-accountId-assigned-roles": {"entity_id": {"eq"}, "entity_type_name": {"eq"}, "role_name": {"eq"}},
	"list-users-personal-access-tokens":            {},
	"list-control-planes": {"id": {"eq", "oeq"}, "name": {"contains", "eq", "neq"},
		"cluster_type": {"eq", "neq", "oeq"}, "cloud_gateway": {"eq"}},
}

var boolFields = map[string]bool{"active": true, "konnect_managed": true, "cloud_gateway": true}

type cond struct{ field, op, value string }

// parseFilters reads filter[...] parameters for an operation, answering
// 400 (and returning ok=false) for anything its spec does not allow.
func parseFilters(w http.ResponseWriter, op string, q url.Values) ([]cond, bool) {
	rule := filterRules[op]
	var out []cond
	for key, vals := range q {
		rest, ok := strings.CutPrefix(key, "filter[")
		if !ok {
			continue
		}
		field, rest, _ := strings.Cut(rest, "]")
		oper := strings.TrimSuffix(strings.TrimPrefix(rest, "["), "]")
		if oper == "" {
			oper = "eq"
		}
		ops, known := rule[field]
		if !known && strings.HasPrefix(field, "labels.") {
			ops, known = rule["labels.*"]
		}
		if !known {
			badRequest(w, invalidParam{Field: "[filter][" + field + "]", Reason: "[" + field + "] is not a supported filter field"})
			return nil, false
		}
		if !contains(ops, oper) {
			badRequest(w, invalidParam{Field: "[filter][" + field + "][" + oper + "]", Reason: "[" + oper + "] is not a supported filter operation"})
			return nil, false
		}
		v := ""
		if len(vals) > 0 {
			v = vals[0]
		}
		if boolFields[field] || oper == "exists" {
			if _, err := strconv.ParseBool(v); err != nil {
				badRequest(w, invalidParam{Field: "[filter][" + field + "]", Reason: "must be a boolean", Rule: "is_boolean"})
				return nil, false
			}
		}
		out = append(out, cond{field, oper, v})
	}
	return out, true
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// matches applies conditions to an object's JSON form: eq and contains
// compare text, case-sensitive; exists asks whether the key is there.
func matches(obj any, cs []cond) bool {
	if len(cs) == 0 {
		return true
	}
	b, _ := json.Marshal(obj)
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, c := range cs {
		v, present := lookup(m, c.field)
		switch c.op {
		case "exists":
			want, _ := strconv.ParseBool(c.value)
			if present != want {
				return false
			}
		case "contains":
			if !present || !strings.Contains(text(v), c.value) {
				return false
			}
		default:
			if !present {
				return false
			}
			if boolFields[c.field] {
				want, _ := strconv.ParseBool(c.value)
				if b, _ := v.(bool); b != want {
					return false
				}
			} else if text(v) != c.value {
				return false
			}
		}
	}
	return true
}

func lookup(m map[string]any, field string) (any, bool) {
	if v, ok := m[field]; ok {
		return v, v != nil
	}
	head, rest, dotted := strings.Cut(field, ".")
	if !dotted {
		return nil, false
	}
	sub, ok := m[head].(map[string]any)
	if !ok {
		return nil, false
	}
	return lookup(sub, rest)
}

func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// paging reads page[size] (default 10, at most 100) and page[number]
// (default 1).
func paging(w http.ResponseWriter, q url.Values) (size, number int, ok bool) {
	size, number = 10, 1
	for _, p := range []struct {
		key string
		dst *int
	}{{"page[size]", &size}, {"page[number]", &number}} {
		v := q.Get(p.key)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			badRequest(w, invalidParam{Field: p.key, Reason: "must be a positive integer", Rule: "is_integer"})
			return 0, 0, false
		}
		*p.dst = n
	}
	return min(size, 100), number, true
}

// paged wraps one page's items in the spec's PaginatedMeta; total counts
// every item the query matched.
func paged[T any](data []T, size, number, total int) map[string]any {
	if data == nil {
		data = []T{}
	}
	return map[string]any{
		"meta": map[string]any{"page": map[string]any{"number": number, "size": size, "total": total}},
		"data": data,
	}
}
