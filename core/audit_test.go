package core_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/konnectd/konnectd/core"
)

// TestAuditRotatesBySize: past the size limit the log moves to .1 (one
// generation), and ReadAudit reads both, oldest first; the peer in the
// context is what each line names.
func TestAuditRotatesBySize(t *testing.T) {
	r := newWatchRig(t, "default: {}\n")
	defer core.SetAuditMax(core.SetAuditMax(600))
	ctx := core.WithPeer(context.Background(), core.Peer{UID: 7, PID: 42, Exe: "/bin/x"})
	for i := range 10 {
		r.svc.Audit(ctx, core.AuditEvent{Event: "hand-out", TokenID: string(rune('a' + i))})
		r.clock.Advance(time.Second)
	}
	path := filepath.Join(r.dir, core.AuditFile)
	for _, p := range []string{path, path + ".1"} {
		fi, err := os.Stat(p)
		if err != nil || fi.Size() > 600 || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", p, fi, err)
		}
	}
	l, err := r.svc.ReadAudit(context.Background(), time.Time{})
	if err != nil || len(l.Events) < 4 || l.Events[len(l.Events)-1].TokenID != "j" || l.Events[0].Peer.PID != 42 {
		t.Fatalf("read %+v %v", l, err)
	}
	for i := 1; i < len(l.Events); i++ {
		if l.Events[i].Time < l.Events[i-1].Time {
			t.Fatalf("not oldest first: %+v", l.Events)
		}
	}
	// Without a peer in the context the line names this process.
	r.svc.Audit(context.Background(), core.AuditEvent{Event: "revoke"})
	l, _ = r.svc.ReadAudit(context.Background(), r.clock.Now().Add(-500*time.Millisecond))
	if len(l.Events) != 1 || l.Events[0].Peer.PID != os.Getpid() {
		t.Fatalf("daemon's own event: %+v", l.Events)
	}
}
