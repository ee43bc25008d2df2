package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The audit log: every hand-out of a secret and every creation, rotation,
// revocation and deletion of a token is one JSON line in an append-only
// file of mode 0600 beside the daemon's state, with the time, the profile,
// the token's id (never the secret) and the peer who asked (uid, pid,
// executable, as the socket's SO_PEERCRED and /proc/PID/exe tell; the
// daemon itself for what it does on its own). The file is rotated by size:
// at AuditMaxBytes it becomes <file>.1 (one generation kept).

// AuditFile is the audit log's name, in the state directory.
const AuditFile = "konnectd-audit.log"

// AuditMaxBytes is the size at which the log is rotated.
var AuditMaxBytes int64 = 10 << 20

// Peer is who asked for something: a client process, or the daemon.
type Peer struct {
	UID       int    `json:"uid"`
	PID       int    `json:"pid"`
	Exe       string `json:"exe,omitempty"`
	Client    string `json:"client,omitempty"`    // initialize's clientInfo.name
	Transport string `json:"transport,omitempty"` // socket or stdio
}

type peerKey struct{}

// WithPeer returns ctx carrying the peer of the request (set by the RPC
// layer for every request).
func WithPeer(ctx context.Context, p Peer) context.Context {
	return context.WithValue(ctx, peerKey{}, p)
}

// PeerFrom is the request's peer; without one it is this process itself
// (the daemon acting on its own: a pending revocation, an auto-rotation).
func PeerFrom(ctx context.Context) Peer {
	if p, ok := ctx.Value(peerKey{}).(Peer); ok {
		return p
	}
	exe, _ := os.Executable()
	return Peer{UID: os.Getuid(), PID: os.Getpid(), Exe: exe, Client: "konnectd (itself)"}
}

// AuditEvent is one line of the audit log.
type AuditEvent struct {
	Time    string `json:"time"`
	Event   string `json:"event"` // hand-out, create, rotate, revoke, delete
	What    string `json:"what,omitempty"`
	Profile string `json:"profile,omitempty"`
	Account string `json:"account,omitempty"` // the keychain entry
	Kind    string `json:"kind,omitempty"`
	TokenID string `json:"tokenId,omitempty"`
	Detail  string `json:"detail,omitempty"`
	Peer    Peer   `json:"peer"`
}

// auditLog appends to the file under a process mutex; O_APPEND keeps
// lines whole between processes too (konnectd mcp appends as well).
type auditLog struct {
	mu   sync.Mutex
	path string
}

func (s *Service) auditPath() string {
	dir := s.StateDir()
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, AuditFile)
}

// AuditPath is the audit log's file, "" when the service keeps no state.
func (s *Service) AuditPath() string { return s.auditPath() }

// audit writes ev. A failure is logged, not returned: the operation it
// records has happened.
func (s *Service) audit(ctx context.Context, ev AuditEvent) {
	path := s.auditPath()
	if path == "" {
		return
	}
	ev.Time = s.now().UTC().Format(time.RFC3339Nano)
	ev.Peer = PeerFrom(ctx)
	b, err := json.Marshal(ev)
	if err != nil {
		return
	}
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	if err := appendAudit(path, append(b, '\n')); err != nil {
		s.log.Warn("audit log not written", "file", path, "event", ev.Event, "error", err)
	}
}

// Audit records an event a face performed itself (the CLI's exec and env
// receive a credential through auth/credential, which audits it there).
func (s *Service) Audit(ctx context.Context, ev AuditEvent) { s.audit(ctx, ev) }

func appendAudit(path string, line []byte) error {
	if fi, err := os.Stat(path); err == nil && fi.Size()+int64(len(line)) > AuditMaxBytes {
		if err := os.Rename(path, path+".1"); err != nil {
			return fmt.Errorf("rotate: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// auditCreate records a token Konnect just created, before anything else
// can fail: where its secret goes is the request's store target, else the
// reply (a hand-out).
func (s *Service) auditCreate(ctx context.Context, req *tokenRequest, kind, id, name string) {
	ev := AuditEvent{Event: "create", Profile: req.profile(), Kind: kind, TokenID: id, Account: req.account, Detail: name}
	if req.account == "" {
		ev.Detail += "; secret in the reply"
		if req.keep {
			ev.Detail = name + "; secret kept as recovered:" + id
		}
	}
	s.audit(ctx, ev)
}

// AuditMaxEvents bounds what ReadAudit returns: the most recent ones.
const AuditMaxEvents = 10000

// AuditList is audit/list's answer.
type AuditList struct {
	File      string       `json:"file"`
	Events    []AuditEvent `json:"events"`
	Truncated bool         `json:"truncated,omitempty"` // older events were left out (AuditMaxEvents)
}

// ReadAudit returns the events at or after since (zero: all), oldest
// first, from the rotated generation and the current file. A line that is
// not an event (a torn write) is skipped.
func (s *Service) ReadAudit(ctx context.Context, since time.Time) (*AuditList, error) {
	path := s.auditPath()
	out := &AuditList{File: path, Events: []AuditEvent{}}
	if path == "" {
		return out, nil
	}
	for _, p := range []string{path + ".1", path} {
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		for _, line := range bytes.Split(b, []byte("\n")) {
			var ev AuditEvent
			if len(line) == 0 || json.Unmarshal(line, &ev) != nil {
				continue
			}
			if t, err := time.Parse(time.RFC3339Nano, ev.Time); err == nil && t.Before(since) {
				continue
			}
			out.Events = append(out.Events, ev)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if n := len(out.Events); n > AuditMaxEvents {
		out.Events, out.Truncated = out.Events[n-AuditMaxEvents:], true
	}
	return out, nil
}
