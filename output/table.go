package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// kongctl's static table: cells at most 40 columns wide, a 120-column table
// when the output is not a terminal (konnectd's never is), and at least three
// columns per cell when shrinking.
const (
	maxColumnWidth = 40
	defaultWidth   = 120
)

const noResources = "No resources found.\n"

// writeTable renders l as kongctl's text table, or "No resources found."
// for an empty list.
func writeTable(w io.Writer, l Listing, o Options) error {
	items, err := tableItems(l.Value)
	if err != nil {
		return err
	}
	if items == nil {
		_, err := io.WriteString(w, noResources)
		return err
	}
	cols := layoutColumns(l, o)
	headers := make([]string, len(cols))
	for i, c := range cols {
		headers[i] = c.Header
	}
	rows := make([][]string, len(items))
	for i, item := range items {
		obj, _ := item.(map[string]any)
		rows[i] = make([]string, len(cols))
		for j, c := range cols {
			cell := cellText(obj[c.Field])
			if c.Cell != nil {
				cell = c.Cell(obj, o)
			}
			if !o.FullIDs && isIDHeader(c.Header) && isLikelyUUID(cell) {
				cell = cell[:4] + "…"
			}
			rows[i][j] = cell
		}
	}
	width := o.Width
	if width <= 0 {
		width = defaultWidth
	}
	widths := columnWidths(headers, rows, width, fullIDMinimums(headers, rows, o.FullIDs))
	var b strings.Builder
	writeRow(&b, headers, widths)
	for _, row := range rows {
		writeRow(&b, row, widths)
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// tableItems returns the JSON form of v as a list of items: nil for an empty
// list, one item for a single object.
func tableItems(v any) ([]any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("output: encode table data: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // cells show numbers as sent, not as float64
	var decoded any
	if err := dec.Decode(&decoded); err != nil {
		return nil, fmt.Errorf("output: decode table data: %w", err)
	}
	switch d := decoded.(type) {
	case nil:
		return nil, nil
	case []any:
		if len(d) == 0 {
			return nil, nil
		}
		return d, nil
	default:
		return []any{d}, nil
	}
}

func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return singleLine(v)
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return v.String()
	default:
		data, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(data)
	}
}

func singleLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// isIDHeader is kongctl's test for an ID column: "ID", "UUID", "UID",
// "IDENTIFIER", or a header ending in one of them as a word.
func isIDHeader(h string) bool {
	key := strings.Join(strings.Fields(strings.ToLower(strings.NewReplacer("_", " ", "-", " ").Replace(h))), " ")
	switch key {
	case "id", "uuid", "uid", "identifier":
		return true
	}
	for _, suffix := range []string{" id", " uuid", " uid", " identifier"} {
		if strings.HasSuffix(key, suffix) {
			return true
		}
	}
	return false
}

// isLikelyUUID accepts the 8-4-4-4-12 form and 32 bare hex digits.
func isLikelyUUID(s string) bool {
	switch len(s) {
	case 36:
		for i := 0; i < len(s); i++ {
			if i == 8 || i == 13 || i == 18 || i == 23 {
				if s[i] != '-' {
					return false
				}
			} else if !isHex(s[i]) {
				return false
			}
		}
		return true
	case 32:
		for i := 0; i < len(s); i++ {
			if !isHex(s[i]) {
				return false
			}
		}
		return true
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// displayWidth counts runes. kongctl uses go-runewidth, which also counts
// East Asian wide characters as two; konnectd accepts that difference
// rather than take the dependency (Konnect names are rarely wide).
func displayWidth(s string) int { return utf8.RuneCountInString(s) }

func columnWidths(headers []string, rows [][]string, available int, floor []int) []int {
	widths := make([]int, len(headers))
	minimums := make([]int, len(headers))
	for i, h := range headers {
		widths[i] = min(maxColumnWidth, max(1, displayWidth(singleLine(h))))
	}
	for _, row := range rows {
		for i := 0; i < len(headers) && i < len(row); i++ {
			widths[i] = min(maxColumnWidth, max(widths[i], displayWidth(singleLine(row[i]))))
		}
	}
	for i := range widths {
		minimums[i] = min(widths[i], 3)
		if i < len(floor) {
			minimums[i] = max(minimums[i], min(floor[i], widths[i]))
		}
	}
	for tableWidth(widths) > available {
		widest := -1
		for i := range widths {
			if widths[i] > minimums[i] && (widest < 0 || widths[i] > widths[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		widths[widest]--
	}
	return widths
}

func tableWidth(widths []int) int {
	total := 2 * max(0, len(widths)-1)
	for _, w := range widths {
		total += w
	}
	return total
}

// writeRow pads every cell but the last, so lines carry no trailing space.
func writeRow(b *strings.Builder, values []string, widths []int) {
	for i, width := range widths {
		if i > 0 {
			b.WriteString("  ")
		}
		value := ""
		if i < len(values) {
			value = truncate(singleLine(values[i]), width)
		}
		b.WriteString(value)
		if i < len(widths)-1 {
			b.WriteString(strings.Repeat(" ", max(0, width-displayWidth(value))))
		}
	}
	b.WriteByte('\n')
}

func truncate(s string, width int) string {
	if width <= 0 || displayWidth(s) <= width {
		return s
	}
	if width == 1 {
		return "…"
	}
	r := []rune(s)
	return string(r[:width-1]) + "…"
}

// layoutColumns is kongctl's --text-layout: compact is the curated
// columns; wide appends every other eligible column of the display record
// in its order; auto does so on a terminal while the readable minimum
// widths still fit it.
func layoutColumns(l Listing, o Options) []Column {
	wide := o.Layout == "wide"
	auto := o.Layout == "auto" && o.Width > 0
	if !wide && !auto {
		return l.Columns
	}
	cols := append([]Column(nil), l.Columns...)
	seen := map[string]bool{}
	for _, c := range cols {
		seen[headerKey(c.Header)] = true
	}
	for _, c := range l.Wide {
		key := headerKey(c.Header)
		if seen[key] || !wideEligible(key) {
			continue
		}
		if auto {
			total := readableMinimum(c.Header)
			for _, have := range cols {
				total += readableMinimum(have.Header)
			}
			if total+2*len(cols) > o.Width {
				return cols
			}
		}
		cols = append(cols, c)
		seen[key] = true
	}
	return cols
}

func headerKey(h string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("_", " ", "-", " ").Replace(strings.ToUpper(h))), " ")
}

// wideEligible is kongctl's test for a column wide layouts may add.
func wideEligible(key string) bool {
	if key == "" || key == "LABEL" || key == "LABELS" || key == "CONFIG" || key == "LOG FILE" || strings.HasPrefix(key, "RAW ") {
		return false
	}
	for _, w := range strings.Fields(key) {
		switch w {
		case "DETAIL", "TOKEN", "SECRET":
			return false
		}
	}
	return true
}

func readableMinimum(header string) int { return min(maxColumnWidth, max(6, displayWidth(header))) }

// fullIDMinimums keeps whole ids whole when a table is shrunk: with
// --text-id-format full, kongctl's ID columns are at least as wide as the
// longest UUID in them.
func fullIDMinimums(headers []string, rows [][]string, full bool) []int {
	if !full {
		return nil
	}
	floor := make([]int, len(headers))
	for i, h := range headers {
		if !isIDHeader(h) {
			continue
		}
		for _, row := range rows {
			if i < len(row) && isLikelyUUID(row[i]) {
				floor[i] = max(floor[i], displayWidth(row[i]))
			}
		}
	}
	return floor
}
