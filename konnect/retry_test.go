package konnect_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/konnect/emulator"
)

func TestReadsRetryThroughRateLimitsAndOutages(t *testing.T) {
	r := newRig(t, emulator.Options{Users: 120}, konnect.Options{MaxRetries: 6})
	ctx := context.Background()
	r.emu.SetFaults(emulator.Faults{RateLimitEvery: 3, RetryAfter: "1", ErrorEvery: 5})
	page, err := r.client.ListUsers(ctx, konnect.ListOptions{PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 120 {
		t.Fatalf("got %d users through the faults, want 120", len(page.Items))
	}
	if n := r.emu.Requests()["list-users"]; n <= 12 {
		t.Fatalf("list-users saw %d requests; the faults should have forced retries beyond the 12 pages", n)
	}
	r.clean(t)
}

func TestRetriesAreBounded(t *testing.T) {
	r := newRig(t, emulator.Options{}, konnect.Options{MaxRetries: 3})
	r.emu.SetFaults(emulator.Faults{RateLimitEvery: 1, RetryAfter: "Wed, 21 Oct 2015 07:28:00 GMT"})
	_, err := r.client.Me(context.Background())
	var ae *konnect.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusTooManyRequests || ae.Op != "Failed to get current user" {
		t.Fatalf("err = %v, want the final 429", err)
	}
	if n := r.emu.Requests()["get-users-me"]; n != 4 {
		t.Fatalf("get-users-me saw %d requests, want 1 + 3 retries", n)
	}
}

// A create answered with a 5xx (or anything but a 2xx or a 4xx) may have
// been processed: a gateway's 502 after the upstream committed. It must not
// be sent again, and it is "may exist", never "failed".
func TestCreateAnsweredWithServerErrorIsOutcomeUnknown(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		r := newRig(t, emulator.Options{}, konnect.Options{})
		r.emu.SetFaults(emulator.Faults{FailAfterCommit: "create-personal-access-token", FailStatus: status})
		_, err := r.client.CreatePAT(context.Background(), emulator.CharlieCruzID, konnect.PATRequest{Name: "ci", TTLSeconds: 86400})
		var ae *konnect.APIError
		if !errors.Is(err, konnect.ErrOutcomeUnknown) || errors.As(err, &ae) {
			t.Fatalf("%d: err = %v, want an unknown outcome", status, err)
		}
		if want := fmt.Sprintf("Failed to create personal access token: Konnect answered %d %s; the request may have reached Konnect: the token or account may exist", status, http.StatusText(status)); !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("%d: message %q, want it to start %q", status, err, want)
		}
		if n := r.emu.Requests()["create-personal-access-token"]; n != 1 {
			t.Fatalf("%d: the create was sent %d times, want once", status, n)
		}
		if got := r.emu.CreatedTokens(); len(got) != 1 {
			t.Fatalf("%d: %d tokens exist, want the one the lost answer created", status, len(got))
		}
	}
	// A 503 before anything was done looks the same from here.
	r := newRig(t, emulator.Options{}, konnect.Options{})
	r.emu.SetFaults(emulator.Faults{ErrorEvery: 1})
	_, err := r.client.CreateSPAT(context.Background(), "a1b2c3d4-0001-4000-8000-000000000001", "ci", time.Now().Add(48*time.Hour))
	if !errors.Is(err, konnect.ErrOutcomeUnknown) {
		t.Fatalf("503 on a spat create: err = %v, want an unknown outcome", err)
	}
	if n := r.emu.Requests()["post-system-accounts-id-access-tokens"]; n != 1 {
		t.Fatalf("the spat create was sent %d times, want once", n)
	}
}

// A read against a Konnect that does not answer ends at the call's bound,
// retries included, with an error that says so (a net.Error timeout: the
// RPC layer reports it as Konnect unreachable).
func TestCallTimeoutBoundsAllAttempts(t *testing.T) {
	r := newRig(t, emulator.Options{}, konnect.Options{CallTimeout: 200 * time.Millisecond, MaxRetries: 100})
	r.emu.SetFaults(emulator.Faults{Latency: time.Minute})
	_, err := r.client.Me(context.Background())
	var te *konnect.TimeoutError
	var ne net.Error
	if !errors.As(err, &te) || !errors.As(err, &ne) || !ne.Timeout() || !strings.HasPrefix(err.Error(), "Failed to get current user: Konnect did not answer within 200ms") {
		t.Fatalf("err = %v, want the call's timeout", err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("the bound must not look like the caller's own deadline")
	}
	// The caller's own deadline stays the caller's.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := r.client.Me(ctx); !errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) {
		t.Fatalf("caller's deadline: err = %v", err)
	}
}

// A create cut off by the bound (or the caller) after it was sent may
// exist: it is an unknown outcome, not a timeout or a cancellation.
func TestCreateCutOffIsOutcomeUnknown(t *testing.T) {
	r := newRig(t, emulator.Options{}, konnect.Options{CallTimeout: 200 * time.Millisecond})
	r.emu.SetFaults(emulator.Faults{Latency: time.Minute})
	_, err := r.client.CreatePAT(context.Background(), emulator.CharlieCruzID, konnect.PATRequest{Name: "ci", TTLSeconds: 86400})
	if !errors.Is(err, konnect.ErrOutcomeUnknown) || errors.Is(err, context.DeadlineExceeded) ||
		!strings.HasPrefix(err.Error(), "Failed to create personal access token: Konnect did not answer in time; the request may have reached Konnect") {
		t.Fatalf("err = %v, want an unknown outcome", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for r.emu.Requests()["create-personal-access-token"] < 2 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err = r.client.CreatePAT(ctx, emulator.CharlieCruzID, konnect.PATRequest{Name: "ci2", TTLSeconds: 86400})
	if !errors.Is(err, konnect.ErrOutcomeUnknown) || errors.Is(err, context.Canceled) ||
		!strings.Contains(err.Error(), "the request was cancelled before Konnect answered; the request may have reached Konnect") {
		t.Fatalf("cancelled create: err = %v, want an unknown outcome", err)
	}
}

// A 429 says the request was turned away unprocessed: a create may be
// sent again, and exactly one token results.
func TestCreateRetriesAfterRateLimitAndMintsOneToken(t *testing.T) {
	r := newRig(t, emulator.Options{}, konnect.Options{})
	r.emu.SetFaults(emulator.Faults{RateLimitEvery: 1})
	done := make(chan error, 1)
	go func() {
		_, err := r.client.CreateSPAT(context.Background(), "a1b2c3d4-0001-4000-8000-000000000001", "ci", time.Now().Add(48*time.Hour))
		done <- err
	}()
	// Lift the rate limit once the client has been refused at least once.
	for deadline := time.Now().Add(30 * time.Second); r.emu.Requests()["post-system-accounts-id-access-tokens"] == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the create never arrived")
		}
		time.Sleep(time.Millisecond)
	}
	r.emu.SetFaults(emulator.Faults{})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := r.emu.CreatedTokens(); len(got) != 1 || got[0].Kind != "spat" {
		t.Fatalf("created %v, want exactly one SPAT", got)
	}
	if n := r.emu.Requests()["post-system-accounts-id-access-tokens"]; n < 2 {
		t.Fatalf("the create was sent %d times; the 429 should have been retried", n)
	}
}

// The emulator commits the POST and then drops the connection. The client
// must neither send it again (a duplicate) nor pretend nothing happened
// (a lost token): it says the outcome is unknown, and a list finds it.
func TestCreateWithDroppedAnswerIsNeitherDuplicatedNorLost(t *testing.T) {
	for _, tc := range []struct {
		op     string
		create func(c *konnect.Client) error
		list   func(c *konnect.Client) (int, error)
	}{
		{"create-personal-access-token",
			func(c *konnect.Client) error {
				_, err := c.CreatePAT(context.Background(), emulator.CharlieCruzID, konnect.PATRequest{Name: "dropped", TTLSeconds: 86400})
				return err
			},
			func(c *konnect.Client) (int, error) {
				p, err := c.ListPATs(context.Background(), emulator.CharlieCruzID, konnect.ListOptions{Filter: konnect.Filter{{Field: "name", Op: konnect.OpEq, Value: "dropped"}}})
				if err != nil {
					return 0, err
				}
				return len(p.Items), nil
			}},
		{"post-system-accounts-id-access-tokens",
			func(c *konnect.Client) error {
				_, err := c.CreateSPAT(context.Background(), "a1b2c3d4-0001-4000-8000-000000000001", "dropped", time.Now().Add(48*time.Hour))
				return err
			},
			func(c *konnect.Client) (int, error) {
				p, err := c.ListSPATs(context.Background(), "a1b2c3d4-0001-4000-8000-000000000001", konnect.ListOptions{Filter: konnect.Filter{{Field: "name", Op: konnect.OpEq, Value: "dropped"}}})
				if err != nil {
					return 0, err
				}
				return len(p.Items), nil
			}},
	} {
		t.Run(tc.op, func(t *testing.T) {
			r := newRig(t, emulator.Options{}, konnect.Options{MaxRetries: 5})
			r.emu.SetFaults(emulator.Faults{DropAfterCommit: tc.op})
			err := tc.create(r.client)
			if !errors.Is(err, konnect.ErrOutcomeUnknown) {
				t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
			}
			// What happened first, in words, then the advice: not "… list
			// them to check before creating another (EOF)".
			if !strings.Contains(err.Error(), ": the connection closed before Konnect answered; the request may have reached Konnect: ") || strings.Contains(err.Error(), "EOF") {
				t.Fatalf("message %q", err)
			}
			noSecret(t, err.Error())
			if n := r.emu.Requests()[tc.op]; n != 1 {
				t.Fatalf("the create was sent %d times, want once", n)
			}
			if got := r.emu.CreatedTokens(); len(got) != 1 {
				t.Fatalf("the emulator minted %d tokens, want 1", len(got))
			}
			r.emu.SetFaults(emulator.Faults{})
			n, err := tc.list(r.client)
			if err != nil || n != 1 {
				t.Fatalf("list after the drop found %d, %v; want the one committed token", n, err)
			}
		})
	}
}
