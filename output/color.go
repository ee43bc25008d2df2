package output

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/alecthomas/chroma/v2/formatters"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// DefaultColorTheme is kongctl's default --jq-color-theme.
const DefaultColorTheme = "friendly"

// ColorModes are kongctl's --jq-color values.
var ColorModes = []string{"auto", "always", "never"}

// UseColor is kongctl's decision for a mode: always, never, or auto when
// the caller's stdout is a terminal and NO_COLOR is unset there (the
// caller tells: terminal).
func UseColor(mode string, terminal bool) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "", "auto":
		return terminal, nil
	}
	return false, usagef("invalid color mode %q, must be one of [%s]", mode, strings.Join(ColorModes, " "))
}

// colorJSON colours a jq result the way kongctl does: only an object or
// an array, with chroma's json lexer, terminal256 formatter and the theme's
// style (an unknown one gets chroma's fallback style, as in kongctl).
// Anything else is returned as it is.
func colorJSON(text, theme string) string {
	var v any
	if json.Unmarshal([]byte(text), &v) != nil {
		return text
	}
	switch v.(type) {
	case map[string]any, []any:
	default:
		return text
	}
	lexer := lexers.Get("json")
	formatter := formatters.Get("terminal256")
	if theme == "" {
		theme = DefaultColorTheme
	}
	style := styles.Get(theme)
	if style == nil {
		style = styles.Get(DefaultColorTheme)
	}
	if lexer == nil || formatter == nil || style == nil {
		return text
	}
	formatted := strings.TrimRight(text, "\n")
	it, err := lexer.Tokenise(nil, formatted)
	if err != nil {
		return text
	}
	var b bytes.Buffer
	if err := formatter.Format(&b, style, it); err != nil {
		return text
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}
