package mcp

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/konnectd/konnectd/core"
)

// Defaults for Options' zero values.
const (
	// DefaultMaxMessage caps one inbound message. Tool arguments are small
	// (a filter, a jq expression and its input); the SDK's own default of
	// 16 MiB is more than any agent needs to send.
	DefaultMaxMessage = 4 << 20
	// DefaultMaxResult caps one tool result. A model's context is the
	// scarce resource here, not memory: past this size the model is told to
	// narrow the request (filter, limit, jq) instead of drowning in it.
	DefaultMaxResult = 256 << 10
	// DefaultTimeout bounds one tool call, Konnect round trips included.
	// jq has its own, shorter deadline (the engine's limits).
	DefaultTimeout = 2 * time.Minute
)

// Options configure a server.
type Options struct {
	Service *core.Service
	// Caller is who the agent is. The server is the agent host's child, so
	// its own KONGCTL_* environment is the caller's; DefaultProfile is the
	// server's --profile. A tool's "profile" argument overrides both.
	Caller core.Caller
	// AllowWrite adds the tools that create, rotate or delete tokens.
	AllowWrite bool
	// RevealSecrets lets a created token's value into the tool result.
	// Without it the value goes only to the keychain or a file the user
	// named, and any token-shaped string in a result withholds the result.
	RevealSecrets bool
	// MaxResult caps one tool result's JSON size in bytes; 0 means
	// DefaultMaxResult.
	MaxResult int
	// Timeout bounds one tool call; 0 means DefaultTimeout.
	Timeout time.Duration
	// Version is reported as the server's version in initialize.
	Version string
	// Log receives the server's own diagnostics. It must not write to the
	// protocol stream (stdout).
	Log *slog.Logger
}

func (o *Options) defaults() {
	if o.MaxResult <= 0 {
		o.MaxResult = DefaultMaxResult
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Version == "" {
		o.Version = "dev"
	}
}

// instructions tell the model how to use the tools well; hosts show them
// to the model once per session.
const instructions = `konnectd gives access to one Kong Konnect organization through the user's own kongctl profiles and keychain.
Start with whoami to learn which identity and organization the tools act for.
List tools take a filter (Konnect's form, e.g. "filter[email][contains]=@example.com", or a JSON object such as {"name":{"eq":"ops"}}), a limit and an optional jq expression: narrow results rather than listing everything.
Token values are never shown: a token-creating tool stores the secret in the user's keychain (or a file the user names) and returns where it went.`

// New builds the MCP server with the tools o allows. It does not start
// serving; see Serve.
func New(o Options) *sdk.Server {
	o.defaults()
	s := sdk.NewServer(&sdk.Implementation{Name: "konnectd", Title: "konnectd — Kong Konnect", Version: o.Version}, &sdk.ServerOptions{
		Instructions: instructions,
		Logger:       quiet(o.Log),
		// Tools and one resource (the stored tokens' expiry); no logging
		// capability (the SDK's historical default), since logs belong to
		// the user's log file, not to the model.
		Capabilities: &sdk.ServerCapabilities{Tools: &sdk.ToolCapabilities{}, Resources: &sdk.ResourceCapabilities{}},
	})
	t := &tools{o: o, svc: o.Service}
	t.addRead(s)
	t.addResources(s)
	if o.AllowWrite {
		t.addWrite(s)
	}
	s.AddReceivingMiddleware(t.guard)
	return s
}

// Serve runs one MCP session on stdin/stdout until the client closes
// stdin or ctx ends. maxMessage caps one inbound message (0 means
// DefaultMaxMessage).
func Serve(ctx context.Context, o Options, maxMessage int) error {
	if maxMessage <= 0 {
		maxMessage = DefaultMaxMessage
	}
	// The SDK's own cap counts what its JSON decoder has read, which
	// includes messages buffered behind the current one; the protocol's
	// framing is one message per line, so the cap is applied to lines.
	in := &lineLimit{r: os.Stdin, max: maxMessage}
	return New(o).Run(ctx, &sdk.IOTransport{Reader: in, Writer: nopCloser{&errorCodes{w: os.Stdout}}, MaxLineLength: -1})
}

// ErrMessageTooLarge ends a session whose host sent a message over the
// cap. The stdio transport cannot skip the rest of that line and go on, so
// the session ends; the host sees the server exit and may start another.
var ErrMessageTooLarge = errors.New("a message from the agent host is over the size limit")

// lineLimit fails a read once a line (one message) grows past max bytes.
type lineLimit struct {
	r      io.ReadCloser
	max, n int
}

func (l *lineLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			l.n = 0
		} else if l.n++; l.n > l.max {
			return i, ErrMessageTooLarge
		}
	}
	return n, err
}

func (l *lineLimit) Close() error { return l.r.Close() }

// nopCloser keeps the SDK from closing stdout.
type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// tools holds what every handler needs.
type tools struct {
	o   Options
	svc *core.Service
}

// caller is the core's view of a tool call: the server's caller with the
// call's profile, if it named one.
func (t *tools) caller(profile string) core.Caller {
	c := t.o.Caller
	c.Profile = profile
	c.Face = core.FaceMCP
	return c
}

// ProfileArg is the optional argument every Konnect tool takes.
type ProfileArg struct {
	Profile string `json:"profile,omitempty" jsonschema:"kongctl profile to act for; default: the server's --profile, else KONGCTL_PROFILE, else \"default\""`
}

// Hints for the annotations. The SDK's defaults for the pointer hints are
// the pessimistic ones (destructive, open world), so every tool says what
// it is.
var (
	yes = new(true)
	no  = new(false)
)

func readOnly(title string) *sdk.ToolAnnotations {
	return &sdk.ToolAnnotations{Title: title, ReadOnlyHint: true, IdempotentHint: true, DestructiveHint: no, OpenWorldHint: yes}
}

func localOnly(title string) *sdk.ToolAnnotations {
	return &sdk.ToolAnnotations{Title: title, ReadOnlyHint: true, IdempotentHint: true, DestructiveHint: no, OpenWorldHint: no}
}

func additive(title string) *sdk.ToolAnnotations {
	return &sdk.ToolAnnotations{Title: title, DestructiveHint: no, OpenWorldHint: yes}
}

func destructive(title string) *sdk.ToolAnnotations {
	return &sdk.ToolAnnotations{Title: title, DestructiveHint: yes, OpenWorldHint: yes}
}

// quiet keeps the SDK's per-session chatter (connecting, connected, run
// start) out of the user's log unless they asked for debug: one line per
// agent session is enough at info.
func quiet(l *slog.Logger) *slog.Logger {
	if l.Enabled(context.Background(), slog.LevelDebug) {
		return l
	}
	return slog.New(minLevel{Handler: l.Handler(), min: slog.LevelWarn})
}

type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{Handler: h.Handler.WithAttrs(as), min: h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{Handler: h.Handler.WithGroup(name), min: h.min}
}
