package mcp

import sdk "github.com/modelcontextprotocol/go-sdk/mcp"

// addRead registers the tools every server has: they read Konnect or
// transform JSON, and change nothing.
func (t *tools) addRead(s *sdk.Server) {
	t.addIdentity(s)
	t.addTokensRead(s)
	t.addStoredRead(s)
	t.addJQ(s)
	t.addKonnectRead(s)
}

// addWrite registers the tools that exist only with AllowWrite: they
// create tokens (additive) or retire them (destructive).
func (t *tools) addWrite(s *sdk.Server) {
	t.addTokensWrite(s)
	t.addStoredWrite(s)
	t.addKonnectWrite(s)
}
