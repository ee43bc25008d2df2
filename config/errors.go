package config

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	yaml4 "go.yaml.in/yaml/v4"

	"github.com/konnectd/konnectd/internal/redact"
)

// ParseError is a problem in the config file, with where it is.
// Column is 0 when only the line is known.
type ParseError struct {
	Path         string
	Line, Column int
	Msg          string
}

func (e *ParseError) Error() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("config file %s: line %d, column %d: %s", e.Path, e.Line, e.Column, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("config file %s: line %d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("config file %s: %s", e.Path, e.Msg)
}

func nodeErr(path string, n *yaml.Node, format string, args ...any) error {
	return &ParseError{Path: path, Line: n.Line, Column: n.Column, Msg: redact.String(fmt.Sprintf(format, args...))}
}

// yamlSyntaxErr turns a YAML syntax error into a ParseError with the line
// and column of the problem. yaml.v3 keeps the column to itself and often
// names the line where the enclosing construct began (or none at all), so
// the same bytes go through yaml.v4's scanner, whose LoadError carries the
// problem's own position; v3's line is the fallback.
func yamlSyntaxErr(path string, data []byte, err error) error {
	var n yaml4.Node
	var le *yaml4.LoadError
	if e4 := yaml4.Unmarshal(data, &n); errors.As(e4, &le) && le.Mark.Line > 0 && le.Message != "" {
		return &ParseError{Path: path, Line: le.Mark.Line, Column: le.Mark.Column, Msg: redact.String(le.Message)}
	}
	msg := err.Error()
	line := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return &ParseError{Path: path, Line: line, Msg: redact.String(msg)}
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): `)
