package core

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/konnectd/konnectd/output"
)

// Format is the optional "format" param of every token and identity
// method: print the answer exactly as kongctl would.
type Format struct {
	Output    string  `json:"output,omitempty"`    // json, yaml, text, token, env
	JQ        *string `json:"jq,omitempty"`        // a jq expression; "" means "."
	RawOutput bool    `json:"rawOutput,omitempty"` // kongctl's -r
	FullIDs   bool    `json:"fullIds,omitempty"`   // kongctl's --text-id-format full
	// TimeZone is the caller's IANA zone (its TZ): kongctl prints a
	// user's times in local time, and the caller's local time is not
	// necessarily the daemon's. "" or an unknown zone means the daemon's.
	TimeZone string `json:"timeZone,omitempty"`
	// Layout is kongctl's --text-layout (compact, auto, wide); Width the
	// caller's terminal width when its stdout is one (0: not a terminal,
	// kongctl's 120-column table).
	Layout string `json:"layout,omitempty"`
	Width  int    `json:"width,omitempty"`
	// JQColor and JQColorTheme are kongctl's --jq-color (auto, always,
	// never) and --jq-color-theme; "" means the profile's jq.color.enabled
	// and jq.color.theme, then auto and friendly. Terminal says the
	// caller's stdout is a terminal with NO_COLOR unset, which auto needs.
	// Columns are kongctl's --columns, HEADER=.path each (text only).
	Columns      []string `json:"columns,omitempty"`
	JQColor      string   `json:"jqColor,omitempty"`
	JQColorTheme string   `json:"jqColorTheme,omitempty"`
	Terminal     bool     `json:"terminal,omitempty"`

	// defaultJQ is the profile's jq.default-expression, used when JQ is
	// absent (set by withProfileDefaults, never by a client).
	defaultJQ string
}

// location is the zone display times are printed in.
func (f *Format) location() *time.Location {
	if f == nil || f.TimeZone == "" {
		return time.Local
	}
	if loc, err := time.LoadLocation(strings.TrimPrefix(f.TimeZone, ":")); err == nil {
		return loc
	}
	return time.Local
}

// Text is the result of a method called with a format.
type Text struct {
	Text string `json:"text"`
	// Warnings are for a person, not for the output: the CLI prints them
	// to stderr, so a script reading stdout sees exactly kongctl's text.
	Warnings []string `json:"warnings,omitempty"`
	// Held, on token/delete, lists the keychain entries that held the
	// deleted token and were not forgotten, so the CLI can offer to
	// forget them; it is not part of the printed output.
	Held []StoredEntry `json:"held,omitempty"`
	// Forgot, on token/delete with forget, lists the messages of the
	// keychain entries removed with the token (for stderr).
	Forgot []string `json:"forgot,omitempty"`
}

// formatter renders one method's answer; a nil formatter returns values
// unchanged (the JSON value is the result).
type formatter struct {
	opts output.Options
	svc  *Service
	// warnings go with every answer rendered (the config file's, from
	// Session.ConfigWarning).
	warnings []string
}

// prepare checks f for kind before anything else happens: kongctl creates
// a token and then fails on a bad --jq; konnectd fails first.
func (s *Service) prepare(f *Format, kind output.Kind, profile string, configOutput string) (*formatter, error) {
	if f == nil {
		return nil, nil
	}
	o := output.Options{
		Output:    output.Format(f.Output),
		OutputSet: f.Output != "",
		Raw:       f.RawOutput,
		Profile:   profile,
		FullIDs:   f.FullIDs,
		Layout:    f.Layout,
		Width:     f.Width,
		Location:  f.location(),
	}
	if !o.OutputSet && configOutput != "" {
		o.Output = output.Format(configOutput)
	}
	if f.JQ != nil {
		o.JQ, o.JQSet = *f.JQ, true
	} else {
		o.JQ = f.defaultJQ
	}
	switch f.Layout {
	case "", "compact", "auto", "wide":
	default:
		return nil, &ValidationError{Problems: []string{fmt.Sprintf("invalid text layout %q, must be one of [compact auto wide]", f.Layout)}}
	}
	var err error
	if len(f.Columns) > 0 {
		// kongctl checks the output before the columns themselves.
		if o.Output != "" && o.Output != output.Text {
			return nil, &ValidationError{Problems: []string{"--columns is only supported with --output text"}}
		}
		if o.Columns, err = output.ParseColumns(f.Columns); err != nil {
			return nil, &ValidationError{Problems: []string{err.Error()}}
		}
	}
	if o.Color, err = output.UseColor(f.JQColor, f.Terminal); err != nil {
		return nil, &ValidationError{Problems: []string{err.Error()}}
	}
	o.ColorTheme = f.JQColorTheme
	if f.Width < 0 || f.Width > 10000 {
		return nil, &ValidationError{Problems: []string{fmt.Sprintf("width must be between 0 and 10000, got %d", f.Width)}}
	}
	checked, err := o.Check(kind, s.jq)
	if err != nil {
		return nil, &ValidationError{Problems: []string{err.Error()}}
	}
	return &formatter{opts: checked, svc: s}, nil
}

// render returns v itself without a formatter, or {text} with one.
func (fm *formatter) render(ctx context.Context, v any) (any, error) {
	if fm == nil {
		return v, nil
	}
	var buf bytes.Buffer
	if err := output.Render(ctx, &buf, v, fm.opts, fm.svc.jq); err != nil {
		return nil, err
	}
	return Text{Text: buf.String(), Warnings: slices.Clone(fm.warnings)}, nil
}
