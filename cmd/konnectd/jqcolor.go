package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"

	"github.com/alecthomas/chroma/v2/formatters"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"golang.org/x/term"
)

// jqColorDefaultTheme is kongctl's default --jq-color-theme.
const jqColorDefaultTheme = "friendly"

// colorJQ colours a jq result the way kongctl does: only JSON output of
// a (non-raw) jq filter, only an object or an array, with chroma's json
// lexer, terminal256 formatter and the --jq-color-theme style (an unknown
// one gets chroma's fallback style, as in kongctl). mode is auto, always or never; auto means
// stdout is a terminal and NO_COLOR is unset. Anything else is returned
// as it is.
//
// The daemon renders the text; colour is the client's business, because
// only the client knows where its stdout goes.
func colorJQ(text, mode, theme string, stdoutTTY bool) string {
	switch mode {
	case "always":
	case "", "auto":
		if _, off := os.LookupEnv("NO_COLOR"); off || !stdoutTTY {
			return text
		}
	default:
		return text
	}
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
	style := styles.Get(theme)
	if style == nil {
		style = styles.Get(jqColorDefaultTheme)
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

// stdoutWidth is the terminal's width when stdout is one, else 0 (kongctl
// lays text tables out for the terminal, and for 120 columns elsewhere).
func stdoutWidth() int {
	if !stdoutIsTerminal() {
		return 0
	}
	w, _, err := term.GetSize(int(os.Stdout.Fd()))
	if err != nil || w <= 0 {
		return 0
	}
	return min(w, 10000)
}

// stdoutIsTerminal reports whether stdout is an interactive terminal.
func stdoutIsTerminal() bool {
	fi, err := os.Stdout.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
