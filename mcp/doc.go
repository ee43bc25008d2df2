// Package mcp is konnectd's second face: Model Context Protocol tools for
// AI agents (Claude Code, Cursor, VS Code agent mode) over the same core
// operations the JSON-RPC methods call.
//
// It owns the tool catalogue (names, JSON Schemas, annotations), the
// mapping of each tool to one core call, and the policy that sits between
// the core and a language model: read-only tools always, token-creating and
// destructive tools only when the user started the server with AllowWrite,
// the API prefixes the generic konnect_get and konnect_request tools may
// address (APIPrefixes), and no token value in any tool result unless the
// user asked for RevealSecrets. Konnect, profile, credential and jq failures are tool
// results with isError set and a message a model can act on; only a
// malformed request or an unknown tool is a protocol error.
//
// It refuses to hold business rules (which profile, which credential, what
// is valid) — those live in package core — and it knows nothing of how the
// process was started: the caller hands it a *core.Service and a transport.
// The protocol itself (framing, version negotiation, schema validation) is
// the official Go SDK's.
package mcp
