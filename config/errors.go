package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/konnectd/konnectd/internal/redact"
)

// ParseError is a problem in the config file, with where it is.
// Column is 0 when only the line is known (YAML syntax errors).
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

// yamlSyntaxErr turns "yaml: line 3: could not find expected ':'" into a
// ParseError; the library keeps the column to itself.
func yamlSyntaxErr(path string, err error) error {
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
