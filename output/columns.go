package output

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// ColumnSpec is one of kongctl's --columns: a header and a path into each
// item of the command's JSON value (.field, .a.b, .["key"], .list[0],
// .text[2:5] for a string slice).
type ColumnSpec struct {
	Header string
	Path   string
	steps  []pathStep
}

type pathStep struct {
	key   *string
	index *int
	slice *[2]*int
}

// ParseColumns compiles --columns values, each repeatable or
// comma-separated, with kongctl's messages.
func ParseColumns(values []string) ([]ColumnSpec, error) {
	var specs []string
	for _, v := range values {
		parts, err := splitSpecs(v)
		if err != nil {
			return nil, err
		}
		specs = append(specs, parts...)
	}
	if len(specs) == 0 {
		return nil, errors.New("--columns requires at least one column")
	}
	out := make([]ColumnSpec, 0, len(specs))
	seen := map[string]bool{}
	for _, spec := range specs {
		header, path, ok := strings.Cut(spec, "=")
		header, path = strings.TrimSpace(header), strings.TrimSpace(path)
		if !ok || header == "" || path == "" {
			return nil, fmt.Errorf("invalid --columns value %q: expected HEADER=.field", spec)
		}
		if seen[strings.ToLower(header)] {
			return nil, fmt.Errorf("duplicate --columns header %q", header)
		}
		steps, err := parsePath(path)
		if err != nil {
			return nil, fmt.Errorf("invalid path for column %q: %w", header, err)
		}
		seen[strings.ToLower(header)] = true
		out = append(out, ColumnSpec{Header: header, Path: path, steps: steps})
	}
	return out, nil
}

// splitSpecs splits on commas outside quotes and brackets.
func splitSpecs(v string) ([]string, error) {
	var parts []string
	start, depth := 0, 0
	inString, escaped := false, false
	for i, r := range v {
		if inString {
			switch {
			case escaped:
				escaped = false
			case r == '\\':
				escaped = true
			case r == '"':
				inString = false
			}
			continue
		}
		switch r {
		case '"':
			inString = true
		case '[':
			depth++
		case ']':
			if depth--; depth < 0 {
				return nil, errors.New("invalid --columns value: unexpected closing bracket")
			}
		case ',':
			if depth == 0 {
				if p := strings.TrimSpace(v[start:i]); p != "" {
					parts = append(parts, p)
				} else {
					return nil, errors.New("invalid --columns value: empty column")
				}
				start = i + 1
			}
		}
	}
	if inString || depth != 0 {
		return nil, errors.New("invalid --columns value: unterminated quoted key or bracket")
	}
	p := strings.TrimSpace(v[start:])
	if p == "" {
		return nil, errors.New("invalid --columns value: empty column")
	}
	return append(parts, p), nil
}

func parsePath(path string) ([]pathStep, error) {
	if path == "." {
		return nil, nil
	}
	if !strings.HasPrefix(path, ".") {
		return nil, errors.New("path must start with '.'")
	}
	var steps []pathStep
	for i := 1; i < len(path); {
		switch path[i] {
		case '.':
			i++
			if i == len(path) {
				return nil, errors.New("field name cannot be empty")
			}
		case '[':
			step, next, err := parseBracket(path, i)
			if err != nil {
				return nil, err
			}
			steps = append(steps, step)
			i = next
			continue
		}
		start := i
		for i < len(path) && path[i] != '.' && path[i] != '[' {
			i++
		}
		if start == i {
			return nil, fmt.Errorf("unexpected character %q", path[i])
		}
		field := path[start:i]
		if strings.IndexFunc(field, unicode.IsSpace) >= 0 {
			return nil, fmt.Errorf("field %q contains whitespace; use a quoted key", field)
		}
		steps = append(steps, pathStep{key: &field})
	}
	return steps, nil
}

func parseBracket(path string, start int) (pathStep, int, error) {
	end := -1
	inString, escaped := false, false
	for i := start + 1; i < len(path) && end < 0; i++ {
		c := path[i]
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case inString && c == '"':
			inString = false
		case inString:
		case c == '"':
			inString = true
		case c == ']':
			end = i
		}
	}
	if end < 0 || inString {
		return pathStep{}, 0, errors.New("unterminated bracket")
	}
	content := strings.TrimSpace(path[start+1 : end])
	switch {
	case content == "":
		return pathStep{}, 0, errors.New("empty bracket")
	case strings.HasPrefix(content, `"`):
		var key string
		if err := json.Unmarshal([]byte(content), &key); err != nil {
			return pathStep{}, 0, fmt.Errorf("invalid quoted key: %w", err)
		}
		return pathStep{key: &key}, end + 1, nil
	case strings.Contains(content, ":"):
		lo, hi, _ := strings.Cut(content, ":")
		if strings.Contains(hi, ":") || (lo == "" && hi == "") {
			return pathStep{}, 0, fmt.Errorf("invalid string slice %q: expected [start:end]", content)
		}
		var bounds [2]*int
		for j, b := range []string{lo, hi} {
			if b == "" {
				continue
			}
			n, err := strconv.Atoi(b)
			if err != nil || n < 0 {
				which := [2]string{"start", "end"}[j]
				return pathStep{}, 0, fmt.Errorf("invalid string slice %s %q: slice bound must be a non-negative integer", which, b)
			}
			bounds[j] = &n
		}
		if bounds[0] != nil && bounds[1] != nil && *bounds[0] > *bounds[1] {
			return pathStep{}, 0, fmt.Errorf("invalid string slice %q: start exceeds end", content)
		}
		return pathStep{slice: &bounds}, end + 1, nil
	}
	n, err := strconv.Atoi(content)
	if err != nil || n < 0 {
		return pathStep{}, 0, fmt.Errorf("invalid array index %q", content)
	}
	return pathStep{index: &n}, end + 1, nil
}

func (c ColumnSpec) evaluate(v any) any {
	for _, s := range c.steps {
		switch {
		case s.key != nil:
			obj, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = obj[*s.key]
		case s.slice != nil:
			text, ok := v.(string)
			if !ok {
				return nil
			}
			r := []rune(text)
			lo, hi := 0, len(r)
			if s.slice[0] != nil {
				lo = min(*s.slice[0], len(r))
			}
			if s.slice[1] != nil {
				hi = min(*s.slice[1], len(r))
			}
			v = string(r[lo:hi])
		default:
			arr, ok := v.([]any)
			if !ok || *s.index >= len(arr) {
				return nil
			}
			v = arr[*s.index]
		}
	}
	return v
}

// writeProjected is kongctl's --columns table: each column's path on the
// command's JSON value (a list, or one object), cells as they are (ids
// are not shortened), laid out like the other tables.
func writeProjected(b *strings.Builder, v any, cols []ColumnSpec, o Options) error {
	items, err := tableItems(v)
	if err != nil {
		return err
	}
	headers := make([]string, len(cols))
	for i, c := range cols {
		headers[i] = c.Header
	}
	rows := make([][]string, len(items))
	for i, item := range items {
		rows[i] = make([]string, len(cols))
		for j, c := range cols {
			rows[i][j] = cellText(c.evaluate(item))
		}
	}
	width := o.Width
	if width <= 0 {
		width = defaultWidth
	}
	widths := columnWidths(headers, rows, width, nil)
	writeRow(b, headers, widths)
	for _, row := range rows {
		writeRow(b, row, widths)
	}
	return nil
}
