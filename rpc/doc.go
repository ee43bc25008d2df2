// Package rpc is konnectd's JSON-RPC 2.0 face: the transports (stdio and
// the private Unix socket), per-connection framing detection, the
// middleware that makes github.com/sourcegraph/jsonrpc2 safe to expose
// (size caps, recovery from malformed messages, bounded concurrency with
// ordering, cancellation, panic recovery), the lifecycle methods, and the
// method table.
//
// A method family is one file that maps params to a call into the core;
// business rules do not live here. The contract clients are written against
// is docs/protocol.md; keep the two in step.
//
// What it refuses to do: answer a peer whose uid differs from the daemon's,
// buffer a message larger than the cap, or put a secret in an error reply.
package rpc
