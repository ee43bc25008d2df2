package mcp

import (
	"context"
	"fmt"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/keychain"
)

// StoredArgs are list_stored's arguments: none.
type StoredArgs struct{}

// ForgetArgs are forget_stored's arguments.
type ForgetArgs struct {
	Name string `json:"name" jsonschema:"the entry as list_stored names it (a store name, a recovered token's id, or a profile), or its account (token:<name>)"`
}

func (t *tools) addStoredRead(s *sdk.Server) {
	sdk.AddTool(s, &sdk.Tool{
		Name:         "list_stored",
		Description:  "List the tokens konnectd keeps in the user's keychain (names, kinds, Konnect ids, profiles, expiry; never values), including tokens kept under recovered:<id> after a failed delivery.",
		Annotations:  localOnly("List stored tokens"),
		InputSchema:  inputSchema[StoredArgs](nil),
		OutputSchema: outputSchema[core.StoredList](),
	}, t.listStored)
}

func (t *tools) addStoredWrite(s *sdk.Server) {
	sdk.AddTool(s, &sdk.Tool{
		Name:         "forget_stored",
		Description:  "Remove one of konnectd's keychain entries (the token itself is not deleted in Konnect; use delete_token for that). A profile's entry is its credential: removing it logs the profile out.",
		Annotations:  &sdk.ToolAnnotations{Title: "Forget a stored token", DestructiveHint: yes, OpenWorldHint: no},
		InputSchema:  inputSchema[ForgetArgs](nil),
		OutputSchema: outputSchema[core.ForgetResult](),
	}, t.forgetStored)
}

func (t *tools) listStored(ctx context.Context, _ *sdk.CallToolRequest, _ StoredArgs) (*sdk.CallToolResult, *core.StoredList, error) {
	v, err := t.svc.ListStored(ctx, t.caller(""), nil)
	if err != nil {
		return nil, nil, t.failure(ctx, "", err)
	}
	l, ok := v.(*core.StoredList)
	if !ok {
		return nil, nil, fmt.Errorf("list_stored: unexpected answer %T", v)
	}
	return nil, l, nil
}

func (t *tools) forgetStored(ctx context.Context, _ *sdk.CallToolRequest, a ForgetArgs) (*sdk.CallToolResult, *core.ForgetResult, error) {
	r := &core.ForgetRequest{Name: a.Name}
	if _, space := keychain.AccountName(a.Name); space != "profile" || strings.HasPrefix(a.Name, "profile:") {
		r = &core.ForgetRequest{Account: a.Name}
	}
	res, err := t.svc.Forget(ctx, t.caller(""), r)
	if err != nil {
		return nil, nil, t.failure(ctx, "", err)
	}
	return nil, res, nil
}
