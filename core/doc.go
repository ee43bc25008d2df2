// Package core holds the operations every face of konnectd offers — the
// JSON-RPC methods, the MCP tools and the CLI verbs all call these, so the
// rules live in one place: which profile a request means, which credential
// it uses, what is validated before Konnect is called, and how answers are
// formatted the way kongctl prints them.
//
// Core is handed its parts (config watcher, keychain, jq engine, HTTP
// client) and knows nothing of transports. It refuses to call Konnect
// before every input, output format and jq expression of a request has
// been checked, and it never lets a token it created go missing: the
// secret reaches the caller or the keychain, or the error says where
// things stand.
package core
