package output

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/konnectd/konnectd/jq"
)

// Render prints v as kongctl would for the validated options o. v is a
// TokenRecord (create), a DeleteRecord (delete) or a Listing (get); json and
// yaml also accept any other JSON-encodable value. eng is needed only when
// o has a jq filter.
//
// Render writes nothing when it fails before printing (bad options, a jq
// error): the whole output is built first and written in one call.
func Render(ctx context.Context, w io.Writer, v any, o Options, eng *jq.Engine) error {
	if !o.validated {
		return errors.New("output: options were not validated")
	}
	if p, ok := v.(*TokenRecord); ok && p != nil {
		v = *p
	}
	var b strings.Builder
	if err := render(ctx, &b, v, o, eng); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func render(ctx context.Context, b *strings.Builder, v any, o Options, eng *jq.Engine) error {
	payload := v
	if l, ok := v.(Listing); ok {
		payload = l.Value
		if l.SortKeys {
			var err error
			if payload, err = jsonForm(payload); err != nil {
				return err
			}
		}
	}
	if isNilSlice(payload) {
		payload = []any{} // kongctl prints an empty list as [], never null
	}

	if o.HasFilter() {
		if eng == nil {
			return errors.New("output: a jq filter needs a jq engine")
		}
		input, err := jsonForm(payload)
		if err != nil {
			return err
		}
		if o.Raw {
			out, err := eng.EvalRaw(ctx, o.JQ, input)
			if err != nil {
				return err
			}
			b.WriteString(out)
			return nil
		}
		result, err := eng.Eval(ctx, o.JQ, input)
		if err != nil {
			return err
		}
		// kongctl marshals the result and reads it back before printing;
		// doing the same keeps number formatting identical (gojq's ints
		// and big ints become float64 there too).
		if payload, err = jsonForm(result); err != nil {
			return err
		}
		if o.Color && o.Output == JSON {
			var plain strings.Builder
			if err := writeStructured(&plain, JSON, payload); err != nil {
				return err
			}
			b.WriteString(colorJSON(plain.String(), o.ColorTheme))
			return nil
		}
		return writeStructured(b, o.Output, payload)
	}

	switch o.Output {
	case JSON, YAML:
		return writeStructured(b, o.Output, payload)
	case Token, Env:
		rec, ok := v.(TokenRecord)
		if !ok {
			return fmt.Errorf("output: -o %s needs a created token, not %T", o.Output, v)
		}
		if o.Output == Token {
			b.WriteString(rec.Token + "\n")
		} else {
			fmt.Fprintf(b, "export %s=%s\n", EnvVar(o.Profile), shellQuote(rec.Token))
		}
		return nil
	case Text:
		switch v := v.(type) {
		case TokenRecord:
			b.WriteString(v.text())
			return nil
		case DeleteRecord:
			b.WriteString(v.text())
			return nil
		case Listing:
			if len(o.Columns) > 0 {
				return writeProjected(b, v.Value, o.Columns, o)
			}
			return writeTable(b, v, o)
		default:
			return fmt.Errorf("output: no text form for %T", v)
		}
	}
	return fmt.Errorf("output: unsupported output format %s", o.Output)
}

// EnvVar is the variable -o env exports: KONGCTL_<PROFILE>_KONNECT_PAT
// with the profile upper-cased and "-" turned into "_", the name kongctl
// reads the PAT from (SPATs use the same name).
func EnvVar(profile string) string {
	if profile == "" {
		profile = "default"
	}
	return "KONGCTL_" + strings.ReplaceAll(strings.ToUpper(profile), "-", "_") + "_KONNECT_PAT"
}

// shellQuote single-quotes s for POSIX shells, writing ' as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writeStructured is segmentio/cli's json and yaml printers, which kongctl
// uses.
func writeStructured(b *strings.Builder, f Format, v any) error {
	switch f {
	case JSON:
		enc := json.NewEncoder(b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("output: encode json: %w", err)
		}
		return nil
	case YAML:
		// segmentio/cli goes through JSON first, so field names and
		// omitempty come from the json tags and maps come out sorted.
		data, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("output: encode json for yaml: %w", err)
		}
		var x any
		if err := yaml.Unmarshal(data, &x); err != nil {
			return fmt.Errorf("output: read json as yaml: %w", err)
		}
		enc := yaml.NewEncoder(b)
		if err := enc.Encode(x); err != nil {
			return fmt.Errorf("output: encode yaml: %w", err)
		}
		return enc.Close()
	}
	return fmt.Errorf("output: unsupported output format %s", f)
}

// jsonForm is v marshalled and read back into plain Go values, as kongctl
// does before jq: numbers become float64.
func jsonForm(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("output: encode value: %w", err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("output: decode value: %w", err)
	}
	return out, nil
}

func isNilSlice(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Slice && rv.IsNil()
}
