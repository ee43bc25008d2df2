// Package core holds the operations every face of konnectd offers — the
// JSON-RPC methods, the MCP tools and the CLI verbs all call these, so the
// rules live in one place: which profile a request means, which credential
// it uses, what is validated before Konnect is called, and how answers are
// formatted the way kongctl prints them.
//
// Core is handed its parts (config watcher, keychain, jq engine, HTTP
// client) and knows nothing of transports. It refuses to call Konnect
// before every input, output format and jq expression of a request has
// been checked (the output and jq filter even by a dry run on a placeholder
// record, a store target by a probe write), and it never lets a token it
// created go missing: the secret reaches the caller or the keychain — the
// requested entry, or recovered:<id> when anything fails after Konnect's
// 201 — and the error says where (custody.go). It never replaces a stored
// entry unless asked, and keeps a record of each entry it writes
// (keychain.Index), which keychain/list, forget and auth/status read.
package core
