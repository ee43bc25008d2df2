// Package logging builds the daemon's log/slog logger: text lines to stderr
// or a file, at a chosen level, with every message and attribute passed
// through redact so no token reaches a log, whatever a caller puts there.
package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/konnectd/konnectd/internal/redact"
)

// ParseLevel accepts kongctl's level names (trace is treated as debug).
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "trace", "debug":
		return slog.LevelDebug, nil
	case "", "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("invalid log level %q, must be one of [debug info warn error]", s)
}

// Open returns a logger writing to path (appending, mode 0600), or to
// stderr when path is empty, and a function that closes the file.
func Open(path string, level slog.Level) (*slog.Logger, func() error, error) {
	var w io.Writer = os.Stderr
	closeFn := func() error { return nil }
	if path != "" {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("open log file: %w", err)
		}
		w, closeFn = f, f.Close
	}
	return New(w, level), closeFn, nil
}

// New returns a redacting text logger on w.
func New(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(Redacting(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})))
}

// Redacting wraps h so that messages and string-valued attributes (and the
// text of error values) are redacted before h sees them.
func Redacting(h slog.Handler) slog.Handler { return redactingHandler{h} }

type redactingHandler struct{ h slog.Handler }

func (r redactingHandler) Enabled(ctx context.Context, l slog.Level) bool { return r.h.Enabled(ctx, l) }

func (r redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, redact.String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return r.h.Handle(ctx, out)
}

func (r redactingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = redactAttr(a)
	}
	return redactingHandler{r.h.WithAttrs(red)}
}

func (r redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{r.h.WithGroup(name)}
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, redact.String(v.String()))
	case slog.KindGroup:
		g := v.Group()
		red := make([]any, len(g))
		for i, ga := range g {
			red[i] = redactAttr(ga)
		}
		return slog.Group(a.Key, red...)
	case slog.KindAny:
		// Errors, Stringers and structs are rendered the way the text
		// handler would, then redacted.
		return slog.String(a.Key, redact.String(fmt.Sprint(v.Any())))
	}
	return slog.Attr{Key: a.Key, Value: v}
}
