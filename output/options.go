package output

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/konnectd/konnectd/jq"
)

// Format is a value of kongctl's -o/--output.
type Format string

const (
	JSON  Format = "json"
	YAML  Format = "yaml"
	Text  Format = "text"
	Token Format = "token" // create pat/spat only
	Env   Format = "env"   // create pat/spat only
)

// Kind is the command family being rendered; the formats it allows and how
// --jq behaves differ between them, as in kongctl.
type Kind int

const (
	// KindCreate is create pat/spat: json|yaml|text|token|env; --jq switches
	// to json when -o was not given; -r without --jq is ignored.
	KindCreate Kind = iota + 1
	// KindGet is get pat/spat and the other listings (users, teams, system
	// accounts, assigned roles): json|yaml|text; --jq switches to json when
	// -o was not given.
	KindGet
	// KindGetMe is get me: like KindGet, but --jq does not switch to json,
	// so --jq needs an explicit -o json or -o yaml.
	KindGetMe
	// KindDelete is delete pat/spat. kongctl silently ignores --jq there;
	// konnectd applies the KindGetMe rules instead, so a filter is never
	// dropped without a word.
	KindDelete
)

// Options are the output flags of one command.
type Options struct {
	Output    Format // "" means text, kongctl's default
	OutputSet bool   // -o was given explicitly (not from config)
	JQ        string // --jq, or jq.default-expression when --jq is absent
	JQSet     bool   // --jq was given explicitly; an empty one then means "."
	Raw       bool   // -r/--jq-raw-output
	Profile   string // for -o env; "" means "default"
	FullIDs   bool   // --text-id-format full
	Width     int    // text table width; 0 means kongctl's 120 (not a terminal)
	// Layout is kongctl's --text-layout: compact (""), auto or wide. auto
	// adds wide columns only on a terminal, that is when Width is set.
	Layout string
	// Location is where display times are shown; nil means time.Local.
	Location *time.Location
	// Color colours a jq result printed as JSON (kongctl's --jq-color,
	// already decided with UseColor), in ColorTheme's chroma style.
	Color      bool
	ColorTheme string
	// Columns are kongctl's --columns (text only, not with --jq).
	Columns []ColumnSpec

	kind      Kind
	validated bool
}

// Sentinels for errors.Is; every validation error wraps ErrUsage.
var ErrUsage = errors.New("invalid output options")

type usageError struct{ msg string }

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == ErrUsage }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func (k Kind) formats() []Format {
	if k == KindCreate {
		return []Format{JSON, YAML, Text, Token, Env}
	}
	return []Format{JSON, YAML, Text}
}

// HasFilter reports whether a jq expression will be applied.
func (o Options) HasFilter() bool { return strings.TrimSpace(o.JQ) != "" }

// Validate applies kongctl's rules for kind and returns the effective
// options: the output format after --jq's switch to json, "." for an explicit
// empty --jq, and Raw cleared where kongctl ignores it. Render only accepts
// options that went through Validate.
func (o Options) Validate(kind Kind) (Options, error) {
	if kind < KindCreate || kind > KindDelete {
		return Options{}, fmt.Errorf("output: unknown kind %d", kind)
	}
	if o.Output == "" {
		o.Output = Text
	}
	allowed := kind.formats()
	ok := false
	for _, f := range allowed {
		ok = ok || f == o.Output
	}
	if !ok {
		names := make([]string, len(allowed))
		for i, f := range allowed {
			names[i] = string(f)
		}
		return Options{}, usagef("invalid value %q for --output, must be one of [%s]", o.Output, strings.Join(names, " "))
	}

	o.JQ = strings.TrimSpace(o.JQ)
	if o.JQSet && o.JQ == "" {
		o.JQ = "."
	}
	filter := o.HasFilter()

	switch kind {
	case KindCreate:
		if !filter {
			o.Raw = false // kongctl: -r without --jq is ignored on create
			break
		}
		if o.Output == Token || o.Output == Env {
			return Options{}, usagef("--jq is not supported with --output %s", o.Output)
		}
		if !o.OutputSet {
			o.Output = JSON
		}
	case KindGet:
		if filter && !o.OutputSet {
			o.Output = JSON
		}
	}
	// kongctl's jq.ValidateOutputFormat, in its order.
	if o.Raw {
		if !filter {
			return Options{}, usagef("--jq-raw-output requires --jq")
		}
		if o.Output != JSON {
			return Options{}, usagef("--jq-raw-output is only supported with --output json when used with --jq")
		}
	}
	if filter && o.Output != JSON && o.Output != YAML {
		return Options{}, usagef("--jq is only supported with --output json or --output yaml")
	}
	if len(o.Columns) > 0 {
		if o.Output != Text {
			return Options{}, usagef("--columns is only supported with --output text")
		}
		if filter {
			return Options{}, usagef("--columns cannot be combined with --jq")
		}
	}
	o.kind = kind
	o.validated = true
	return o, nil
}

// Check is Validate plus compiling the jq expression with eng, so that every
// mistake in the output flags is found before the command does anything.
func (o Options) Check(kind Kind, eng *jq.Engine) (Options, error) {
	o, err := o.Validate(kind)
	if err != nil {
		return Options{}, err
	}
	if o.HasFilter() {
		if _, err := eng.Compile(o.JQ); err != nil {
			return Options{}, err
		}
	}
	return o, nil
}

// Kind returns the kind the options were validated for (0 if they were not).
func (o Options) Kind() Kind { return o.kind }
