//go:build !linux

package core

// secretTool: elsewhere there is no secret-tool; konnectd's own command is
// the lookup messages name.
const secretTool = false
