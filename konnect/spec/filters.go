package spec

import (
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
)

// FilterOps reports, for one operation, which filter operators the spec
// accepts on which field: field → sorted operators. A boolean field accepts
// only the bare value, reported as "eq". A map-valued field (team labels)
// is reported as "labels.*". Fields the operation does not declare are
// absent, and so is an operation without a filter parameter.
func (d *Docs) FilterOps(operationID string) map[string][]string {
	for _, doc := range d.docs() {
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				if op.OperationID != operationID {
					continue
				}
				out := map[string][]string{}
				for _, p := range op.Parameters {
					v := p.Value
					if v == nil || v.In != "query" {
						continue
					}
					switch {
					case v.Name == "filter" && v.Schema != nil:
						for name, s := range v.Schema.Value.Properties {
							if ops := opsOf(s.Value); ops != nil {
								out[name] = ops
								continue
							}
							if ap := s.Value.AdditionalProperties.Schema; ap != nil {
								out[name+".*"] = opsOf(ap.Value)
							}
						}
					case len(v.Name) > 8 && v.Name[:7] == "filter[":
						// Some operations spell each filter out:
						// filter[state][eq].
						field, rest := splitBracket(v.Name[6:])
						op, _ := splitBracket(rest)
						if field != "" && op != "" {
							out[field] = appendSorted(out[field], op)
						}
					}
				}
				return out
			}
		}
	}
	return nil
}

// opsOf returns the operators a filter schema admits, or nil when the
// schema is not a filter (an object of per-key filters, say).
func opsOf(s *openapi3.Schema) []string {
	if s == nil {
		return nil
	}
	if s.Type.Is("boolean") {
		return []string{"eq"}
	}
	var ops []string
	for _, alt := range s.OneOf {
		for _, o := range opsOf(alt.Value) {
			ops = appendSorted(ops, o)
		}
	}
	if len(s.Properties) > 0 {
		for name, p := range s.Properties {
			if p.Value != nil && (p.Value.Type.Is("string") || p.Value.Type.Is("boolean")) {
				ops = appendSorted(ops, name)
			} else {
				return nil
			}
		}
	}
	return ops
}

func appendSorted(ops []string, o string) []string {
	for _, x := range ops {
		if x == o {
			return ops
		}
	}
	ops = append(ops, o)
	sort.Strings(ops)
	return ops
}

// splitBracket splits "[a][b]" into "a" and "[b]".
func splitBracket(s string) (string, string) {
	if len(s) < 2 || s[0] != '[' {
		return "", ""
	}
	for i := 1; i < len(s); i++ {
		if s[i] == ']' {
			return s[1:i], s[i+1:]
		}
	}
	return "", ""
}
