package konnect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Op is a filter operator.
type Op string

// The operators of Konnect's filtering doc, plus exists.
const (
	OpEq       Op = "eq"
	OpContains Op = "contains"
	OpLt       Op = "lt"
	OpLte      Op = "lte"
	OpGt       Op = "gt"
	OpGte      Op = "gte"
	OpExists   Op = "exists"
)

func validOp(o Op) bool {
	switch o {
	case OpEq, OpContains, OpLt, OpLte, OpGt, OpGte, OpExists:
		return true
	}
	return false
}

// Condition is one test on one field. Field may be dotted to reach into an
// object (labels.env). For OpExists, Value is "true" or "false".
type Condition struct {
	Field string
	Op    Op
	Value string
}

// Filter is a conjunction: an object matches when every condition holds.
type Filter []Condition

// ParseFilter reads a filter in either accepted form:
//
//	filter[full_name][contains]=Cruz&filter[name]=Alex&filter[updated_at]
//	{"full_name":{"contains":"Cruz"},"name":"Alex","updated_at":{"exists":true}}
//
// A bare value means eq; a bare filter[field] means the field exists.
// Conditions come out sorted, so both forms of one filter compare equal.
func ParseFilter(s string) (Filter, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var f Filter
	var err error
	if strings.HasPrefix(s, "{") {
		f, err = parseJSONFilter(s)
	} else {
		f, err = parseQueryFilter(s)
	}
	if err != nil {
		return nil, err
	}
	sort.SliceStable(f, func(i, j int) bool {
		if f[i].Field != f[j].Field {
			return f[i].Field < f[j].Field
		}
		return f[i].Op < f[j].Op
	})
	return f, nil
}

func parseQueryFilter(s string) (Filter, error) {
	var f Filter
	for _, part := range strings.Split(strings.TrimPrefix(s, "?"), "&") {
		if part == "" {
			continue
		}
		k, v, hasValue := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, fmt.Errorf("invalid filter %q: %w", k, err)
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("invalid filter value for %q: %w", key, err)
		}
		rest, ok := strings.CutPrefix(key, "filter[")
		field, rest, ok2 := strings.Cut(rest, "]")
		if !ok || !ok2 || field == "" {
			return nil, fmt.Errorf("invalid filter %q: want filter[field] or filter[field][op]", key)
		}
		op := OpEq
		if rest != "" {
			o, ok := strings.CutPrefix(rest, "[")
			o, ok2 := strings.CutSuffix(o, "]")
			if !ok || !ok2 {
				return nil, fmt.Errorf("invalid filter %q: want filter[field][op]", key)
			}
			op = Op(o)
		} else if !hasValue {
			op, val = OpExists, "true"
		}
		c, err := newCondition(field, op, val)
		if err != nil {
			return nil, err
		}
		f = append(f, c)
	}
	return f, nil
}

func parseJSONFilter(s string) (Filter, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("invalid JSON filter: %w", err)
	}
	var f Filter
	for field, v := range m {
		ops, isObj := v.(map[string]any)
		if !isObj {
			ops = map[string]any{string(OpEq): v}
		}
		if len(ops) == 0 {
			return nil, fmt.Errorf("invalid JSON filter: field %q has no operator", field)
		}
		for op, val := range ops {
			if _, isString := val.(string); Op(op) == OpContains && !isString {
				// contains compares text: {"contains":5} would look
				// for the digit in every string and silently match
				// nothing that a number field holds.
				return nil, fmt.Errorf("invalid JSON filter: %s.contains takes a string, got %s", field, jsonKind(val))
			}
			sv, err := scalarString(val)
			if err != nil {
				return nil, fmt.Errorf("invalid JSON filter: %s.%s: %w", field, op, err)
			}
			c, err := newCondition(field, Op(op), sv)
			if err != nil {
				return nil, err
			}
			f = append(f, c)
		}
	}
	return f, nil
}

func scalarString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return "", fmt.Errorf("want a string, number or boolean, got %T", v)
}

// jsonKind names a decoded JSON value's type for a message.
func jsonKind(v any) string {
	switch v.(type) {
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return "a string"
}

func newCondition(field string, op Op, val string) (Condition, error) {
	if !validOp(op) {
		return Condition{}, fmt.Errorf("unknown filter operator %q on %q (want eq, contains, lt, lte, gt, gte or exists)", op, field)
	}
	if op == OpExists {
		b, err := strconv.ParseBool(val)
		if err != nil {
			return Condition{}, fmt.Errorf("filter %s exists wants true or false, got %q", field, val)
		}
		val = strconv.FormatBool(b)
	}
	return Condition{Field: field, Op: op, Value: val}, nil
}

// String renders the filter in Konnect's query form.
func (f Filter) String() string {
	parts := make([]string, 0, len(f))
	for _, c := range f {
		parts = append(parts, url.QueryEscape("filter["+c.Field+"]["+string(c.Op)+"]")+"="+url.QueryEscape(c.Value))
	}
	return strings.Join(parts, "&")
}

// MarshalJSON renders the filter in the JSON form.
func (f Filter) MarshalJSON() ([]byte, error) {
	m := map[string]map[string]any{}
	for _, c := range f {
		if m[c.Field] == nil {
			m[c.Field] = map[string]any{}
		}
		if c.Op == OpExists {
			m[c.Field][string(c.Op)] = c.Value == "true"
		} else {
			m[c.Field][string(c.Op)] = c.Value
		}
	}
	return json.Marshal(m)
}

// Match reports whether the JSON object raw satisfies every condition. A
// condition whose value cannot be compared as the field's type matches
// nothing here; MatchChecked says why instead.
func (f Filter) Match(raw []byte) bool {
	ok, _ := f.MatchChecked(raw)
	return ok
}

// MatchChecked is Match that refuses a condition it cannot evaluate: the
// object's field is a boolean, a number or an RFC 3339 time, and the
// condition's value does not read as one (filter[active]=maybe,
// filter[updated_at][lt]=notadate), which would otherwise match nothing
// silently. The error is a *FilterTypeError.
func (f Filter) MatchChecked(raw []byte) (bool, error) {
	if len(f) == 0 {
		return true, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var obj map[string]any
	if dec.Decode(&obj) != nil {
		return false, nil
	}
	matched := true
	for _, c := range f {
		if err := c.typeCheck(obj); err != nil {
			return false, err
		}
		if matched && !c.match(obj) {
			matched = false
		}
	}
	return matched, nil
}

// FilterTypeError is a filter value that cannot be compared as its field's
// type. It names the field, the type and the value, so the user can fix
// the filter rather than read "No resources found." as an answer.
type FilterTypeError struct {
	Field string
	Op    Op
	Value string
	Want  string // "a boolean (true or false)", "a number", "a date-time …"
}

func (e *FilterTypeError) Error() string {
	return fmt.Sprintf("filter field %q is %s, and %q is not one: fix the value of filter[%s][%s]", e.Field, e.Want, e.Value, e.Field, e.Op)
}

// typeCheck finds a condition whose value cannot be compared with the
// field's value in obj. exists and contains are never refused: exists
// takes true/false (checked when parsed) and contains compares text.
func (c Condition) typeCheck(obj map[string]any) error {
	if c.Op == OpExists || c.Op == OpContains {
		return nil
	}
	v, present := lookup(obj, c.Field)
	if !present {
		return nil
	}
	bad := func(want string) error {
		return &FilterTypeError{Field: c.Field, Op: c.Op, Value: c.Value, Want: want}
	}
	switch x := v.(type) {
	case bool:
		if _, err := strconv.ParseBool(c.Value); err != nil {
			return bad("a boolean (true or false)")
		}
	case json.Number:
		if n, err := strconv.ParseFloat(c.Value, 64); err != nil || math.IsNaN(n) {
			return bad("a number")
		}
	case string:
		// Only a string that is a timestamp: a name that happens to be
		// one would also be refused, a cost accepted for catching typos
		// in the *_at fields every Konnect object has.
		if _, err := time.Parse(time.RFC3339Nano, x); err == nil {
			if _, err := parseInstant(c.Value); err != nil {
				return bad("a date-time (RFC 3339, e.g. 2026-01-02T15:04:05Z, or a date, 2026-01-02)")
			}
		}
	}
	return nil
}

// presenceFields lists, once each, the fields of f's conditions that
// need the field to be there (all but exists).
func (f Filter) presenceFields() []string {
	var out []string
	for _, c := range f {
		if c.Op != OpExists && !slices.Contains(out, c.Field) {
			out = append(out, c.Field)
		}
	}
	return out
}

// stillUnseen returns the fields of unseen that the JSON object raw does
// not have either. It decodes raw again, but only until every field has
// turned up, which is usually the first item.
func stillUnseen(unseen []string, raw []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var obj map[string]any
	if dec.Decode(&obj) != nil {
		return unseen
	}
	out := unseen[:0:0]
	for _, field := range unseen {
		if !hasField(obj, field) {
			out = append(out, field)
		}
	}
	return out
}

// hasField is lookup's path walk without its view of null: a field that
// is there with a null value (a PAT never used: last_used_at) is a field
// the server knows, not a misspelt one.
func hasField(obj map[string]any, field string) bool {
	if _, ok := obj[field]; ok {
		return true
	}
	head, rest, dotted := strings.Cut(field, ".")
	sub, ok := obj[head].(map[string]any)
	return dotted && ok && hasField(sub, rest)
}

// lookup finds a field, reaching into objects along a dotted path.
func lookup(obj map[string]any, field string) (any, bool) {
	if v, ok := obj[field]; ok {
		return v, v != nil
	}
	head, rest, dotted := strings.Cut(field, ".")
	if !dotted {
		return nil, false
	}
	sub, ok := obj[head].(map[string]any)
	if !ok {
		return nil, false
	}
	return lookup(sub, rest)
}

// match applies one condition. Numbers compare as numbers and RFC 3339
// timestamps as instants; everything else compares as text, case-sensitive
// (Konnect does not document case folding, and the emulator uses this very
// rule, so the answer is the same wherever the condition runs).
func (c Condition) match(obj map[string]any) bool {
	v, present := lookup(obj, c.Field)
	if c.Op == OpExists {
		return present == (c.Value == "true")
	}
	if !present {
		return false
	}
	s := valueString(v)
	switch c.Op {
	case OpContains:
		return strings.Contains(s, c.Value)
	case OpEq:
		if cmp, ok := compare(v, s, c.Value); ok {
			return cmp == 0
		}
		return s == c.Value
	}
	cmp, ok := compare(v, s, c.Value)
	if !ok {
		cmp, ok = strings.Compare(s, c.Value), true
	}
	switch c.Op {
	case OpLt:
		return cmp < 0
	case OpLte:
		return cmp <= 0
	case OpGt:
		return cmp > 0
	case OpGte:
		return cmp >= 0
	}
	return false
}

func valueString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// compare orders a field value against a filter value as numbers or as
// instants when both sides read as such; ok is false otherwise.
func compare(v any, s, want string) (int, bool) {
	if n, isNum := v.(json.Number); isNum {
		a, err1 := strconv.ParseFloat(n.String(), 64)
		b, err2 := strconv.ParseFloat(want, 64)
		if err1 == nil && err2 == nil && !math.IsNaN(a) && !math.IsNaN(b) {
			return cmpFloat(a, b), true
		}
		return 0, false
	}
	if _, isBool := v.(bool); isBool {
		b, err := strconv.ParseBool(want)
		if err != nil {
			return 0, false
		}
		if b == (s == "true") {
			return 0, true
		}
		return 1, true
	}
	if ta, err := time.Parse(time.RFC3339Nano, s); err == nil {
		if tb, err := parseInstant(want); err == nil {
			return ta.Compare(tb), true
		}
	}
	return 0, false
}

// parseInstant accepts an RFC 3339 time or a bare date (midnight UTC).
func parseInstant(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Parse(time.DateOnly, s)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
