// Package jq evaluates jq expressions for konnectd the way kongctl does, but
// fit for a long-running daemon that takes expressions from its clients.
//
// It owns: parsing and compiling with github.com/itchyny/gojq, a bounded LRU
// cache of compiled code, a deadline on every run, caps on expression length,
// input bytes, result count and output bytes, and kongctl's result shape
// (no result is null, one result is that value, several are one array) and
// error wording ("invalid jq expression: …", "failed to compile jq
// expression: …", "jq filter failed: …").
//
// It refuses: access to the daemon's environment ($ENV and env are empty),
// input and inputs (rejected at compile time), modules (no loader is
// configured), and custom functions. It does not print: HTML escaping, pretty
// printing and YAML belong to package output.
//
// In process, limits it cannot enforce: memory, and time inside one
// builtin (match on a large string runs to its end). Engine.Isolate, which
// the daemon uses, enforces both: every evaluation runs in a worker
// process (pool.go, worker.go, wire.go) capped in memory and killed at its
// deadline or cancellation; compiling stays in process. The CLI's own
// --jq on a reply runs in process: a user's own expression in a process
// that ends anyway.
package jq
