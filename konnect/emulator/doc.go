// Package emulator is an in-memory Konnect Identity v3 and Control Planes
// v2 server for tests, benchmarks, demos and users' own CI: users, teams,
// assigned roles, system accounts, PATs and SPATs under /v3/…, control
// planes under /v2/control-planes, all on one host (a request log records
// which host each request was addressed to), held to the official
// spec (optionally checked on every exchange, see Options.Strict), with
// fault injection to prove clients right under latency, rate limits, 5xx
// and connections dropped after a create was committed.
//
// It refuses to be a real Konnect: there is no persistence, no RBAC beyond
// "the organization owner may do anything, others only touch their own
// tokens", revocation takes effect at once (Konnect allows 15 minutes), and
// it never imports konnectd's daemon packages, so users can run it alone.
package emulator
