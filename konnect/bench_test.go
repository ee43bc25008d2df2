package konnect_test

import (
	"context"
	"testing"

	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/konnect/emulator"
)

// BenchmarkListUsers10k is the Konnect half of e2e's BenchmarkListUsers10k:
// 10,000 users at 100 a page from the emulator over loopback HTTP, without
// injected latency, so what it measures is CPU: the emulator serving 100
// pages and the client decoding them. The emulator is not strict, as in
// e2e: spec validation would dominate. Profile it with -cpuprofile to tell
// the client's share from the emulator's.
func BenchmarkListUsers10k(b *testing.B) {
	emu, err := emulator.New(emulator.Options{Users: 10000})
	if err != nil {
		b.Fatal(err)
	}
	base, err := emu.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { emu.Close() })
	c, err := konnect.New(konnect.Options{BaseURL: base, Token: emu.AdminToken(), Concurrency: 16})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		p, err := c.ListUsers(ctx, konnect.ListOptions{PageSize: 100})
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Items) != 10000 || p.Total != 10000 || p.Items[9999].Raw == nil {
			b.Fatalf("listed %d of %d users", len(p.Items), p.Total)
		}
	}
}
