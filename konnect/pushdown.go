package konnect

import (
	"net/url"
	"strconv"
	"strings"
)

// serverFilters is what the Identity v3 spec lets each list operation
// filter on: field → operators. A "labels.*" key stands for every label.
// It is written out, not read from the spec at run time, to keep the client
// free of a 5,000-line YAML parse; a test holds it equal to the spec.
var serverFilters = map[string]map[string][]Op{
	"list-users": {
		"id": {OpEq}, "email": {OpEq, OpContains}, "full_name": {OpEq, OpContains}, "active": {OpEq},
	},
	"list-teams":                                   {"name": {OpEq, OpContains}, "labels.*": {OpEq, OpContains, OpExists}},
	"get-system-accounts":                          {"name": {OpEq, OpContains}, "description": {OpEq, OpContains}, "konnect_managed": {OpEq}},
	"get-system-account-id-access-tokens":          {"name": {OpEq, OpContains}},
	"get-system-accounts-accountId-teams":          {"name": {OpEq, OpContains}},
	"list-user-roles":                              {"entity_id": {OpEq}, "role_name": {OpEq}, "entity_type_name": {OpEq}},
	"list-team-roles":                              {"role_name": {OpEq}, "entity_type_name": {OpEq}},
	"get-system-accounts-accountId-assigned-roles": {"entity_id": {OpEq}, "role_name": {OpEq}, "entity_type_name": {OpEq}},
	"list-users-personal-access-tokens":            {},
}

// boolFilters are BooleanFieldFilter fields: sent bare, filter[active]=true.
var boolFilters = map[string]bool{"active": true, "konnect_managed": true}

// checkServerTypes refuses, before any request, a value the operation's
// spec types as boolean that does not read as one (filter[active]=maybe):
// it cannot be sent, and evaluated locally it would match nothing.
func checkServerTypes(operation string, f Filter) error {
	allowed := serverFilters[operation]
	for _, c := range f {
		if _, ok := allowed[c.Field]; !ok || !boolFilters[c.Field] || c.Op == OpExists || c.Op == OpContains {
			continue
		}
		if _, err := strconv.ParseBool(c.Value); err != nil {
			return &FilterTypeError{Field: c.Field, Op: c.Op, Value: c.Value, Want: "a boolean (true or false)"}
		}
	}
	return nil
}

// split divides f into what operation can filter server-side (as query
// parameters) and the rest. Only one operator per field is sent, since the
// spec's string filters take "one of" eq and contains. The caller still
// applies the whole filter locally to what comes back, which keeps the
// answer the same whichever side a condition ran on.
func split(operation string, f Filter) (url.Values, Filter) {
	allowed := serverFilters[operation]
	q := url.Values{}
	var local Filter
	sent := map[string]bool{}
	for _, c := range f {
		ops, ok := allowed[c.Field]
		if !ok && strings.HasPrefix(c.Field, "labels.") {
			ops = allowed["labels.*"]
		}
		if sent[c.Field] || !hasOp(ops, c.Op) {
			local = append(local, c)
			continue
		}
		if eqOnly(ops) {
			// StringFieldEqualsFilter and BooleanFieldFilter: the bare
			// form, which the spec's examples show and which a schema
			// without `type: object` admits (kin-openapi, for one,
			// cannot decode [eq] there).
			if boolFilters[c.Field] {
				b, err := strconv.ParseBool(c.Value)
				if err != nil {
					local = append(local, c)
					continue
				}
				c.Value = strconv.FormatBool(b)
			}
			q.Set("filter["+c.Field+"]", c.Value)
		} else {
			q.Set("filter["+c.Field+"]["+string(c.Op)+"]", c.Value)
		}
		sent[c.Field] = true
	}
	return q, local
}

func eqOnly(ops []Op) bool { return len(ops) == 1 && ops[0] == OpEq }

func hasOp(ops []Op, o Op) bool {
	for _, x := range ops {
		if x == o {
			return true
		}
	}
	return false
}

// encodeQuery is url.Values.Encode; the brackets are percent-encoded, as
// kongctl's SDK sends them.
func encodeQuery(q url.Values) string { return q.Encode() }
