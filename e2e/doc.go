// Package e2e drives the built konnectd binary the way users and clients
// do: over its real Unix socket and stdio, as child processes, against the
// real Secret Service and the Konnect emulator. It holds tests and
// benchmarks only.
//
// hostile_test.go is the hostile suite's harness (issue 19): a table of
// hostileCase run by runHostile against a daemon under a memory limit,
// with a bystander client; hostile_jq_test.go holds the jq table. Other
// categories (framing, config, keychain) add their own table beside it.
package e2e
