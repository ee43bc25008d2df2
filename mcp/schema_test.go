package mcp

import (
	"encoding/json"
	"strings"
	"testing"
)

type portableProbe struct {
	Ptr   *struct{ A string } `json:"ptr"`
	List  []string            `json:"list"`
	Any   any                 `json:"any"`
	Plain string              `json:"plain"`
}

// portable leaves no type array and no schema that constrains nothing,
// and what validated before still validates (null included).
func TestPortableSchema(t *testing.T) {
	s := outputSchema[portableProbe]()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"type":[`) || strings.Contains(string(b), `:true`) || strings.Contains(string(b), `{}`) {
		t.Fatalf("not portable: %s", b)
	}
	rs, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{
		`{"ptr":null,"list":null,"any":null,"plain":"x"}`,
		`{"ptr":{"A":"a"},"list":["a"],"any":[1,{"b":2}],"plain":"x"}`,
	} {
		var v map[string]any
		json.Unmarshal([]byte(doc), &v)
		if err := rs.Validate(v); err != nil {
			t.Errorf("%s: %v", doc, err)
		}
	}
	var bad map[string]any
	json.Unmarshal([]byte(`{"ptr":5,"list":null,"any":1,"plain":"x"}`), &bad)
	if rs.Validate(bad) == nil {
		t.Error("a number where an object or null belongs validated")
	}
}
