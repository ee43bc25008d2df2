// Package api is the `konnectd api` command: one authenticated request to
// any Konnect API path through the daemon's credential, modelled on
// `gh api`. It is built in cli/cli's style: the flags fill an Options
// struct, a Factory supplies the daemon and the streams, and NewCmd takes
// a runF seam so tests can check what the flags mean without a daemon.
//
// It refuses, before any request, what would surprise: a body or fields
// without an explicit -X (gh would silently POST), a body on GET, and it
// leaves the rest (path, headers, token-creating calls, masking) to the
// daemon's konnect/request, which every client shares.
package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// Params are konnect/request's params as this command sends them.
type Params struct {
	Profile       string              `json:"profile,omitempty"`
	Method        string              `json:"method"`
	Path          string              `json:"path"`
	Query         map[string][]string `json:"query,omitempty"`
	Body          json.RawMessage     `json:"body,omitempty"`
	Headers       map[string]string   `json:"headers,omitempty"`
	Region        string              `json:"region,omitempty"`
	Paginate      bool                `json:"paginate,omitempty"`
	RevealSecrets bool                `json:"revealSecrets,omitempty"`
	Format        *Format             `json:"format,omitempty"`
}

// Format is the format param: how the daemon prints the body.
type Format struct {
	Output    string  `json:"output,omitempty"`
	JQ        *string `json:"jq,omitempty"`
	RawOutput bool    `json:"rawOutput,omitempty"`
}

// Result is konnect/request's result.
type Result struct {
	Status   int               `json:"status"`
	Headers  map[string]string `json:"headers"`
	Text     *string           `json:"text"`
	URL      string            `json:"url"`
	Pages    int               `json:"pages"`
	Redacted bool              `json:"redacted"`
	Warnings []string          `json:"warnings"`
}

// Factory is what the command needs from the binary around it.
type Factory struct {
	In          io.Reader
	Out, ErrOut io.Writer
	// Request sends konnect/request to the daemon (starting one if need
	// be); onProgress, when not nil, hears each $/progress.
	Request func(ctx context.Context, p *Params, onProgress func(done, total int)) (*Result, error)
	// ErrIsTerminal reports whether ErrOut is a terminal (progress lines
	// are drawn only there).
	ErrIsTerminal bool
}

// Options are the command's flags and argument.
type Options struct {
	F *Factory

	Path          string
	Method        string
	MethodSet     bool
	RawFields     []string // -f key=value
	TypedFields   []string // -F key=value
	Input         string   // --input FILE or -
	Headers       []string // -H 'Name: value'
	Paginate      bool
	Region        string
	Profile       string
	JQ            string
	JQSet         bool
	Raw           bool
	Output        string
	Include       bool
	RevealSecrets bool
}

// ExitError carries an exit code: 2 for a usage mistake, 1 for a failed
// request (Konnect answered 4xx/5xx, or the daemon refused).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

func usage(format string, args ...any) error {
	return &ExitError{Code: 2, Err: fmt.Errorf(format, args...)}
}

// NewCmd builds `konnectd api`. runF, when not nil, replaces the run (the
// test seam); it gets the parsed Options.
func NewCmd(f *Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "api PATH",
		Short: "Make an authenticated request to any Konnect API",
		Long: `Make one request to any Kong Konnect API with the profile's credential,
which stays in the daemon: it never appears in argv, the environment or
this process.

PATH is an API path such as /v2/control-planes. Paths of the Identity
and Organizations APIs (/v3/users, /v3/teams, /v3/system-accounts,
/v3/organizations, …) go to the global host, as kongctl sends them;
every other path goes to the profile's region (konnect.region or
konnect.base-url), or to --region's. The credential is only ever sent to
konghq.com/konghq.tech over https, or to loopback.

The method is GET unless -X names another. Fields and bodies never
change it: -f/-F without -X is refused, where gh api would POST.

  -f key=value   a string field; -F key=value a typed one (true, false,
                 null and integers as JSON, @FILE for a file's content,
                 @- for stdin). With -X GET (or HEAD, DELETE) fields are
                 query parameters (-f 'filter[name][contains]=dev');
                 with -X POST, PUT or PATCH they make the JSON body, and
                 key[sub]=v and key[]=v nest as in gh api.
  --input FILE   the request body as it is (- for stdin); fields then
                 go to the query string.

--paginate follows every page of a listing, page-number style
(page[number] up to meta.page.total) or cursor style (page[after] from
meta.page.next), and prints the concatenation of the pages' data arrays.
The answer is at most 8 MiB (jq/eval's input cap).

A kpat_/spat_ value in the answer is masked unless --reveal-secrets. A
call that creates a token (a POST to …/access-tokens) needs
--reveal-secrets, since a masked new token would be lost; 'konnectd
create pat|spat --store NAME' keeps one in the keychain instead.

The body is printed as indented JSON (-o yaml for YAML); --jq filters
it and -r prints strings raw. -i prints the status line and the
passed-on headers first. A 4xx or 5xx answer prints Konnect's body and
exits 1; a usage error exits 2.`,
		Example: `  # every control plane's name, all pages
  konnectd api /v2/control-planes --paginate --jq '.[].name' -r

  # a filtered listing: fields are query parameters with -X GET
  konnectd api -X GET /v2/control-planes -f 'filter[name][contains]=dev' -f 'page[size]=50'

  # create a control plane
  konnectd api -X POST /v2/control-planes -f name=dev -f cluster_type=CLUSTER_TYPE_CONTROL_PLANE -F 'labels[env]=dev'

  # update one from a file, in the EU region
  konnectd api -X PATCH /v2/control-planes/$ID --input patch.json --region eu

  # identity calls go to the global host whatever the region
  konnectd api /v3/users/me -p team-a -o yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Path = args[0]
			o.MethodSet = cmd.Flags().Changed("method")
			o.JQSet = cmd.Flags().Changed("jq")
			if runF != nil {
				return runF(o)
			}
			return Run(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&o.Method, "method", "X", "GET", "the HTTP method: GET, HEAD, POST, PUT, PATCH or DELETE")
	fl.StringArrayVarP(&o.RawFields, "raw-field", "f", nil, "add a string field key=value (query with GET, body otherwise)")
	fl.StringArrayVarP(&o.TypedFields, "field", "F", nil, "add a typed field key=value (true/false/null/numbers as JSON, @FILE reads a file)")
	fl.StringVar(&o.Input, "input", "", "read the request body from FILE (- for stdin)")
	fl.StringArrayVarP(&o.Headers, "header", "H", nil, "add a request header 'Name: value'")
	fl.BoolVar(&o.Paginate, "paginate", false, "follow every page and print all the data items as one array")
	fl.StringVar(&o.Region, "region", "", "send a regional path to this Konnect region (us, eu, au, …) instead of the profile's")
	fl.StringVarP(&o.Profile, "profile", "p", "", "kongctl profile whose credential to use")
	fl.StringVar(&o.JQ, "jq", "", "jq expression applied to the body")
	fl.BoolVarP(&o.Raw, "jq-raw-output", "r", false, "with --jq: print strings without quotes, one result per line")
	fl.StringVarP(&o.Output, "output", "o", "json", "output format: json or yaml")
	fl.BoolVarP(&o.Include, "include", "i", false, "print the HTTP status and the passed-on response headers first")
	fl.BoolVar(&o.RevealSecrets, "reveal-secrets", false, "print token values in the answer instead of masking them")
	return cmd
}

// bodyMethods are the methods whose fields make a body.
var bodyMethods = map[string]bool{http.MethodPost: true, http.MethodPut: true, http.MethodPatch: true}

// Build turns the options into konnect/request's params, or a usage error.
// Nothing has been sent when it fails.
func Build(o *Options) (*Params, error) {
	method := strings.ToUpper(strings.TrimSpace(o.Method))
	if method == "" {
		method = http.MethodGet
	}
	hasFields := len(o.RawFields)+len(o.TypedFields) > 0
	if !o.MethodSet && (hasFields || o.Input != "") {
		what := "fields (-f/-F)"
		if o.Input != "" {
			what = "a body (--input)"
		}
		return nil, usage("%s given without -X: add -X POST (or PUT, PATCH) to send them as the request body, or -X GET to send fields as query parameters; konnectd api never changes the method on its own", what)
	}
	switch o.Output {
	case "json", "yaml":
	default:
		return nil, usage("invalid value %q for --output, must be one of [json yaml]", o.Output)
	}
	if o.Raw && !o.JQSet {
		return nil, usage("--jq-raw-output requires --jq")
	}
	if o.Raw && o.Output != "json" {
		return nil, usage("--jq-raw-output is only supported with --output json when used with --jq")
	}
	if o.Paginate && method != http.MethodGet {
		return nil, usage("--paginate needs a GET request, not %s", method)
	}
	if o.Input != "" && !bodyMethods[method] {
		return nil, usage("--input needs -X POST, PUT or PATCH: a %s request has no body", method)
	}
	p := &Params{Profile: o.Profile, Method: method, Path: o.Path, Region: o.Region, Paginate: o.Paginate,
		RevealSecrets: o.RevealSecrets, Format: &Format{Output: o.Output, RawOutput: o.Raw}}
	if o.JQSet {
		jq := o.JQ
		p.Format.JQ = &jq
	}
	for _, h := range o.Headers {
		k, v, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usage("header %q must be 'Name: value'", h)
		}
		if p.Headers == nil {
			p.Headers = map[string]string{}
		}
		p.Headers[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	fields, err := parseFields(o)
	if err != nil {
		return nil, err
	}
	if o.Input != "" {
		body, err := readInput(o)
		if err != nil {
			return nil, err
		}
		p.Body = body
	}
	if len(fields) == 0 {
		return p, nil
	}
	if bodyMethods[method] && o.Input == "" {
		body, err := nestBody(fields)
		if err != nil {
			return nil, err
		}
		p.Body = body
		return p, nil
	}
	p.Query = map[string][]string{}
	for _, f := range fields {
		s, ok := f.value.(string)
		if !ok {
			b, _ := json.Marshal(f.value)
			s = string(b)
		}
		p.Query[f.key] = append(p.Query[f.key], s)
	}
	return p, nil
}

type field struct {
	key   string
	value any
}

func parseFields(o *Options) ([]field, error) {
	var out []field
	for _, kv := range o.RawFields {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usage("field %q must be key=value", kv)
		}
		out = append(out, field{k, v})
	}
	for _, kv := range o.TypedFields {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usage("field %q must be key=value", kv)
		}
		val, err := typed(o, v)
		if err != nil {
			return nil, err
		}
		out = append(out, field{k, val})
	}
	return out, nil
}

// typed is gh api's -F: literals as JSON, @FILE as the file's text.
func typed(o *Options, v string) (any, error) {
	switch v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n, nil
	}
	if name, ok := strings.CutPrefix(v, "@"); ok {
		b, err := readFile(o, name)
		if err != nil {
			return nil, err
		}
		return strings.TrimRight(string(b), "\n"), nil
	}
	return v, nil
}

// maxInput caps what is read for a body or a field: the daemon's own cap.
const maxInput = 8 << 20

func readFile(o *Options, name string) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = o.F.In
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, usage("read %s: %v", name, err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > maxInput {
		return nil, usage("%s is over the %d-byte limit of a request body", name, maxInput)
	}
	return b, nil
}

func readInput(o *Options) (json.RawMessage, error) {
	b, err := readFile(o, o.Input)
	if err != nil {
		return nil, err
	}
	if !json.Valid(b) {
		return nil, usage("--input %s is not valid JSON (Konnect's APIs take JSON bodies)", o.Input)
	}
	return b, nil
}

// nestBody builds the JSON body from fields: key[sub]=v nests objects and
// key[]=v appends to an array, as gh api does.
func nestBody(fields []field) (json.RawMessage, error) {
	root := map[string]any{}
	for _, f := range fields {
		name, rest, _ := strings.Cut(f.key, "[")
		path := []string{name}
		if rest != "" {
			rest = "[" + rest
			for rest != "" {
				if rest[0] != '[' {
					return nil, usage("field key %q: expected [ at %q", f.key, rest)
				}
				end := strings.IndexByte(rest, ']')
				if end < 0 {
					return nil, usage("field key %q has an unclosed [", f.key)
				}
				path = append(path, rest[1:end])
				rest = rest[end+1:]
			}
		}
		if err := set(root, path, f.value, f.key); err != nil {
			return nil, err
		}
	}
	b, err := json.Marshal(root)
	return b, err
}

func set(m map[string]any, path []string, v any, key string) error {
	k := path[0]
	if len(path) == 1 {
		m[k] = v
		return nil
	}
	if path[1] == "" { // key[]=v
		if len(path) != 2 {
			return usage("field key %q: [] must come last", key)
		}
		arr, _ := m[k].([]any)
		m[k] = append(arr, v)
		return nil
	}
	sub, ok := m[k].(map[string]any)
	if !ok {
		if m[k] != nil {
			return usage("field key %q: %s is both a value and an object", key, k)
		}
		sub = map[string]any{}
		m[k] = sub
	}
	return set(sub, path[1:], v, key)
}

// Run builds the params, sends them, and prints the answer.
func Run(ctx context.Context, o *Options) error {
	p, err := Build(o)
	if err != nil {
		return err
	}
	var onProgress func(done, total int)
	prog := &progress{w: o.F.ErrOut}
	if p.Paginate && o.F.ErrIsTerminal {
		onProgress = prog.show
	}
	res, err := o.F.Request(ctx, p, onProgress)
	prog.clear()
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(o.F.ErrOut, "Warning:", w)
	}
	if o.Include {
		fmt.Fprintf(o.F.Out, "HTTP %d %s\n", res.Status, http.StatusText(res.Status))
		for _, k := range sortedKeys(res.Headers) {
			fmt.Fprintf(o.F.Out, "%s: %s\n", k, res.Headers[k])
		}
		fmt.Fprintln(o.F.Out)
	}
	if res.Text != nil {
		io.WriteString(o.F.Out, *res.Text)
	}
	if res.Status >= 400 {
		return &ExitError{Code: 1, Err: fmt.Errorf("Konnect answered %d %s (%s %s)", res.Status, http.StatusText(res.Status), p.Method, res.URL)}
	}
	return nil
}
