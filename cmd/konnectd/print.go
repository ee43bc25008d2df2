package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

// printOptions are kongctl's output flags for generic results.
type printOptions struct {
	output string
	jq     string
	jqSet  bool
	raw    bool
}

func (o *printOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.output, "output", "o", "json", "output format: json, yaml or text")
	f.StringVar(&o.jq, "jq", "", "jq expression applied to the result (json or yaml output)")
	f.BoolVarP(&o.raw, "jq-raw-output", "r", false, "with --jq and -o json: print strings without quotes, one result per line")
	cmd.PreRun = func(cmd *cobra.Command, _ []string) { o.jqSet = cmd.Flags().Changed("jq") }
}

// validate checks the flags before anything is sent, with kongctl's words.
func (o *printOptions) validate() error {
	switch o.output {
	case "json", "yaml", "text":
	default:
		return usageError("invalid value %q for --output, must be one of [json yaml text]", o.output)
	}
	if o.jqSet && o.output == "text" {
		return usageError("--jq is only supported with --output json or --output yaml")
	}
	if o.raw && !o.jqSet {
		return usageError("--jq-raw-output requires --jq")
	}
	if o.raw && o.output != "json" {
		return usageError("--jq-raw-output is only supported with --output json when used with --jq")
	}
	if o.jqSet {
		if _, err := jqEngine().Compile(o.jq); err != nil {
			return usageError("%v", err)
		}
	}
	return nil
}

func (o *printOptions) print(ctx context.Context, w io.Writer, result json.RawMessage) error {
	if len(result) == 0 {
		result = json.RawMessage("null")
	}
	if o.jqSet {
		if o.raw {
			s, err := jqEngine().EvalJSONRaw(ctx, o.jq, result)
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			_, err = io.WriteString(w, s)
			return err
		}
		v, err := jqEngine().EvalJSON(ctx, o.jq, result)
		if err != nil {
			return &exitError{code: 1, err: err}
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		result = b
	}
	switch o.output {
	case "yaml":
		var v any
		if err := json.Unmarshal(result, &v); err != nil {
			return err
		}
		b, err := yaml.Marshal(v)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	case "text":
		return printText(w, result)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, result, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

// printText prints what a person wants to read: a string as itself, a
// {"text": …} result (the daemon's kongctl-formatted output) as its text,
// anything else as indented JSON.
func printText(w io.Writer, result json.RawMessage) error {
	var s string
	if json.Unmarshal(result, &s) == nil {
		// A rawOutput result already ends each line; one more would print
		// a blank line after it.
		if !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		_, err := io.WriteString(w, s)
		return err
	}
	var t struct {
		Text *string `json:"text"`
	}
	if json.Unmarshal(result, &t) == nil && t.Text != nil {
		_, err := io.WriteString(w, *t.Text)
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, result, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}
