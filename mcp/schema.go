package mcp

import (
	"encoding/json"
	"fmt"

	"github.com/google/jsonschema-go/jsonschema"
)

// inputSchema infers T's schema, as the SDK would, and lets the caller
// adjust it (a field that takes a string or an object, say). Unknown
// arguments stay refused: a misspelt "filtr" should fail loudly.
func inputSchema[T any](adjust func(*jsonschema.Schema)) *jsonschema.Schema {
	s, err := jsonschema.For[T](nil)
	if err != nil {
		panic(fmt.Sprintf("input schema %T: %v", *new(T), err))
	}
	if adjust != nil {
		adjust(s)
	}
	portable(s)
	return s
}

// outputSchema infers T's schema and then opens every object to fields
// it does not name. Konnect adds fields to its objects over time and the
// tools pass its objects through as they came; the named properties are
// documentation for the model, not a contract Konnect could break (the
// SDK validates every result against this schema).
func outputSchema[T any]() *jsonschema.Schema {
	s, err := jsonschema.For[T](nil)
	if err != nil {
		panic(fmt.Sprintf("output schema %T: %v", *new(T), err))
	}
	open(s)
	portable(s)
	return s
}

func open(s *jsonschema.Schema) {
	if s == nil {
		return
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Not != nil {
		s.AdditionalProperties = nil // was "false"
	}
	open(s.AdditionalProperties)
	open(s.Items)
	for _, p := range s.Properties {
		open(p)
	}
	for _, p := range s.PrefixItems {
		open(p)
	}
	for _, d := range s.Defs {
		open(d)
	}
}

// anyJSON is the schema of a value that may be any JSON at all, spelt with
// one type per branch: an empty schema ({}) says the same, but hosts that
// map schemas onto a typed dialect cannot express it (the Inspector's
// --strict calls it "untyped-schema").
func anyJSON() []*jsonschema.Schema {
	var out []*jsonschema.Schema
	for _, t := range []string{"object", "array", "string", "number", "boolean", "null"} {
		out = append(out, &jsonschema.Schema{Type: t})
	}
	return out
}

// portable rewrites what jsonschema.For infers into the subset every host
// maps: a type array (["null","object"] for a pointer, ["null","array"]
// for a slice) becomes anyOf branches with one type each, keeping what
// applies to that type in its branch; a schema that constrains nothing
// becomes anyJSON. Validation is unchanged: the SDK checks inputs and
// results against these same schemas. A "not" subschema is left alone:
// {} there is the always-true schema under not, i.e. "forbidden".
func portable(s *jsonschema.Schema) {
	if s == nil {
		return
	}
	for _, m := range []map[string]*jsonschema.Schema{s.Properties, s.PatternProperties, s.Defs, s.Definitions, s.DependentSchemas} {
		for _, sub := range m {
			portable(sub)
		}
	}
	for _, list := range [][]*jsonschema.Schema{s.PrefixItems, s.AllOf, s.AnyOf, s.OneOf} {
		for _, sub := range list {
			portable(sub)
		}
	}
	for _, sub := range []*jsonschema.Schema{s.Items, s.AdditionalProperties, s.Contains, s.If, s.Then, s.Else} {
		portable(sub)
	}
	switch {
	case len(s.Types) == 1:
		s.Type, s.Types = s.Types[0], nil
	case len(s.Types) > 1:
		var branches []*jsonschema.Schema
		for _, t := range s.Types {
			if t == "null" {
				branches = append(branches, &jsonschema.Schema{Type: "null"})
				continue
			}
			b := *s
			b.Types, b.Type, b.Description, b.Title, b.Default = nil, t, "", "", nil
			branches = append(branches, &b)
		}
		*s = jsonschema.Schema{Title: s.Title, Description: s.Description, Default: s.Default, AnyOf: branches}
	case unconstrained(s):
		s.AnyOf = anyJSON()
	}
}

// unconstrained reports whether s accepts every value: no keyword of it
// validates anything.
func unconstrained(s *jsonschema.Schema) bool {
	c := *s
	c.Title, c.Description, c.Default, c.Examples, c.Comment = "", "", nil, nil, ""
	b, err := json.Marshal(&c)
	// jsonschema-go marshals the empty schema as true.
	return err == nil && (string(b) == "{}" || string(b) == "true")
}
