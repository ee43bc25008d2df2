package konnect_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/konnect/emulator"
)

func TestParallelPagingKeepsOrderAndReportsProgress(t *testing.T) {
	seq := newRig(t, emulator.Options{Users: 530}, konnect.Options{Concurrency: 1})
	par := newRig(t, emulator.Options{Users: 530}, konnect.Options{Concurrency: 8})
	par.emu.SetFaults(emulator.Faults{Latency: 2 * time.Millisecond}) // let pages overlap
	ctx := context.Background()
	a, err := seq.client.ListUsers(ctx, konnect.ListOptions{PageSize: 25})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var last, calls int
	b, err := par.client.ListUsers(ctx, konnect.ListOptions{PageSize: 25, Progress: func(fetched, total int) {
		mu.Lock()
		defer mu.Unlock()
		if fetched < last || total != 530 {
			t.Errorf("progress went %d → %d of %d", last, fetched, total)
		}
		last, calls = fetched, calls+1
	}})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(p *konnect.Page[konnect.User]) []string {
		var s []string
		for _, u := range p.Items {
			s = append(s, u.ID)
		}
		return s
	}
	if len(a.Items) != 530 || !reflect.DeepEqual(ids(a), ids(b)) {
		t.Fatalf("parallel paging gave %d users in another order than sequential (%d)", len(b.Items), len(a.Items))
	}
	if last != 530 || calls != 22 {
		t.Errorf("progress ended at %d after %d calls, want 530 after 22 (one per page)", last, calls)
	}
	if n := par.emu.Requests()["list-users"]; n != 22 {
		t.Errorf("parallel paging sent %d requests for 22 pages", n)
	}
	// Limit stops early when every condition ran on the server.
	c, err := par.client.ListUsers(ctx, konnect.ListOptions{PageSize: 25, Limit: 30})
	if err != nil || len(c.Items) != 30 || !reflect.DeepEqual(ids(c), ids(a)[:30]) {
		t.Fatalf("limit 30: %d users, %v", len(c.Items), err)
	}
	seq.clean(t)
	par.clean(t)
}

// The emulator caps page[size] at 100, as a server may; the client must
// count pages by the size it got, not the one it asked for.
func TestPagingFollowsTheServersPageSize(t *testing.T) {
	r := newRig(t, emulator.Options{Users: 350}, konnect.Options{})
	p, err := r.client.ListUsers(context.Background(), konnect.ListOptions{PageSize: 500})
	if err != nil || len(p.Items) != 350 {
		t.Fatalf("got %d users, %v", len(p.Items), err)
	}
	r.clean(t)
}

// BenchmarkListUsersParallel and …Sequential list 10,000 users, 100 per
// page, from an emulator that adds 20 ms to every request.
func BenchmarkListUsersParallel(b *testing.B)   { benchList(b, 0) }
func BenchmarkListUsersSequential(b *testing.B) { benchList(b, 1) }

func benchList(b *testing.B, concurrency int) {
	emu, err := emulator.New(emulator.Options{Users: 10000})
	if err != nil {
		b.Fatal(err)
	}
	base, err := emu.Start("")
	if err != nil {
		b.Fatal(err)
	}
	defer emu.Close()
	emu.SetFaults(emulator.Faults{Latency: 20 * time.Millisecond})
	c, err := konnect.New(konnect.Options{BaseURL: base, Token: emu.AdminToken(), Concurrency: concurrency})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		p, err := c.ListUsers(context.Background(), konnect.ListOptions{PageSize: 100})
		if err != nil || len(p.Items) != 10000 {
			b.Fatalf("listed %d users: %v", len(p.Items), err)
		}
	}
}
