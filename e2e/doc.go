// Package e2e drives the built konnectd binary the way users and clients
// do: over its real Unix socket and stdio, as child processes, against the
// real Secret Service and the Konnect emulator. It holds tests and
// benchmarks only.
package e2e
