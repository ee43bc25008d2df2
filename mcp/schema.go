package mcp

import (
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
