package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/output"
)

// OwnerArgs say whose tokens a tool is about.
type OwnerArgs struct {
	Kind              string `json:"kind" jsonschema:"pat (a user's personal access token) or spat (a system account's token)"`
	UserID            string `json:"user_id,omitempty" jsonschema:"pat only: whose tokens (default: the profile's own user)"`
	SystemAccountID   string `json:"system_account_id,omitempty" jsonschema:"spat only: the system account, by id"`
	SystemAccountName string `json:"system_account_name,omitempty" jsonschema:"spat only: the system account, by name"`
}

func (o OwnerArgs) core() core.TokenOwner {
	return core.TokenOwner{Kind: o.Kind, UserID: o.UserID, AccountRef: core.AccountRef{SystemAccountID: o.SystemAccountID, SystemAccountName: o.SystemAccountName}}
}

// ExpiryArgs are a new token's lifetime: exactly one of the two.
type ExpiryArgs struct {
	ExpiresIn string `json:"expires_in,omitempty" jsonschema:"lifetime, 1 to 365 days: e.g. 30d, 720h, 1.5d"`
	ExpiresAt string `json:"expires_at,omitempty" jsonschema:"expiry as an RFC 3339 time, 1 to 365 days from now"`
}

// DestinationArgs say where a new token's value goes. Neither: the
// keychain under the token's name (or, on a server started with
// --reveal-secrets, the tool result).
type DestinationArgs struct {
	StoreProfile string `json:"store_profile,omitempty" jsonschema:"store the token in the keychain as this kongctl profile's credential (a profile that has one needs replace)"`
	StoreName    string `json:"store_name,omitempty" jsonschema:"store the token in the keychain under this name (account token:<name>); the default is the token's own name"`
	File         string `json:"file,omitempty" jsonschema:"write the token to this new file (mode 0600; refused if it exists) instead of the keychain"`
	Replace      bool   `json:"replace,omitempty" jsonschema:"replace the keychain entry if it is taken (without it a taken entry is refused before anything is created; the token the entry held is not deleted)"`
}

// kindEnum lists the two token kinds in the schema, so a host's form
// and the model both see the choice.
func kindEnum(s *jsonschema.Schema) {
	s.Properties["kind"].Enum = []any{core.KindPAT, core.KindSPAT}
}

// ListTokensArgs are list_tokens' arguments.
type ListTokensArgs struct {
	ProfileArg
	OwnerArgs
	ID   string `json:"id,omitempty" jsonschema:"only this token, by id"`
	Name string `json:"name,omitempty" jsonschema:"only this token, by name"`
	JQ   string `json:"jq,omitempty" jsonschema:"a jq expression applied to the array of tokens; its result is returned as result instead of data"`
}

// TokenListOutput is list_tokens' answer: metadata only, never a value.
type TokenListOutput struct {
	Data   *[]output.TokenInfo `json:"data,omitempty" jsonschema:"the tokens' metadata (left out when jq was given)"`
	Meta   core.ListMeta       `json:"meta" jsonschema:"total is how many tokens Konnect returned; returned is how many matched (len(data) without jq)"`
	Result any                 `json:"result,omitempty" jsonschema:"the jq expression's result, when jq was given"`
}

type tokenListResult struct {
	Data   *[]output.TokenInfo `json:"data,omitempty"`
	Meta   core.ListMeta       `json:"meta"`
	Result json.RawMessage     `json:"result,omitempty"`
}

// CreatePATArgs are create_pat's arguments.
type CreatePATArgs struct {
	ProfileArg
	Name   string `json:"name" jsonschema:"the new token's name"`
	UserID string `json:"user_id,omitempty" jsonschema:"create it for this user (default: the profile's own user)"`
	ExpiryArgs
	DestinationArgs
}

// CreateSPATArgs are create_spat's arguments.
type CreateSPATArgs struct {
	ProfileArg
	Name              string `json:"name" jsonschema:"the new token's name (unique per system account)"`
	SystemAccountID   string `json:"system_account_id,omitempty" jsonschema:"the system account, by id"`
	SystemAccountName string `json:"system_account_name,omitempty" jsonschema:"the system account, by name"`
	ExpiryArgs
	DestinationArgs
}

// RotateArgs are rotate_token's arguments.
type RotateArgs struct {
	ProfileArg
	OwnerArgs
	ID        string `json:"id,omitempty" jsonschema:"the token to rotate, by id"`
	Name      string `json:"name,omitempty" jsonschema:"the token to rotate, by name"`
	NewName   string `json:"new_name,omitempty" jsonschema:"the new token's name (default: a pat keeps its name, a spat gets a timestamp suffix)"`
	DeleteOld bool   `json:"delete_old,omitempty" jsonschema:"pat only: delete the old token instead of revoking it"`
	ExpiryArgs
	DestinationArgs
}

// DeleteArgs are delete_token's arguments.
type DeleteArgs struct {
	ProfileArg
	OwnerArgs
	ID     string `json:"id,omitempty" jsonschema:"the token to delete, by id"`
	Name   string `json:"name,omitempty" jsonschema:"the token to delete, by name"`
	Forget bool   `json:"forget,omitempty" jsonschema:"also remove the keychain entries konnectd stored this token in (without it they are listed in held)"`
}

// Created is a new token's record as a tool returns it. Token is set only
// on a server started with --reveal-secrets; Where always says where the
// value went.
type Created struct {
	core.TokenCreated
	File  string `json:"file,omitempty" jsonschema:"the file the token was written to"`
	Where string `json:"where" jsonschema:"where the token's value is, in words"`
}

// Rotated is rotate_token's answer.
type Rotated struct {
	New       Created          `json:"new"`
	Old       output.TokenInfo `json:"old"`
	OldAction string           `json:"old_action" jsonschema:"revoked or deleted"`
}

func (t *tools) addTokensRead(s *sdk.Server) {
	sdk.AddTool(s, &sdk.Tool{
		Name:         "list_tokens",
		Description:  "List access tokens' metadata (never their values): a user's personal access tokens (kind pat) or a system account's tokens (kind spat).",
		Annotations:  readOnly("List access tokens"),
		InputSchema:  inputSchema[ListTokensArgs](kindEnum),
		OutputSchema: outputSchema[TokenListOutput](),
	}, t.listTokens)
}

func (t *tools) addTokensWrite(s *sdk.Server) {
	dest := " The value goes to the user's keychain (by default under the token's name) or to a new 0600 file, never into this conversation"
	if t.o.RevealSecrets {
		dest = " The value goes to the keychain or a file when asked; otherwise (this server runs with --reveal-secrets) it is returned in the result"
	}
	sdk.AddTool(s, &sdk.Tool{
		Name:         "create_pat",
		Description:  "Create a Konnect personal access token (kpat_) for a user." + dest + ".",
		Annotations:  additive("Create a personal access token"),
		InputSchema:  inputSchema[CreatePATArgs](nil),
		OutputSchema: outputSchema[Created](),
	}, t.createPAT)
	sdk.AddTool(s, &sdk.Tool{
		Name:         "create_spat",
		Description:  "Create a Konnect system account access token (spat_) for a system account (give its id or name)." + dest + ".",
		Annotations:  additive("Create a system account token"),
		InputSchema:  inputSchema[CreateSPATArgs](nil),
		OutputSchema: outputSchema[Created](),
	}, t.createSPAT)
	sdk.AddTool(s, &sdk.Tool{
		Name: "rotate_token",
		Description: "Replace a token: create a new one like it, store it, then retire the old one (a pat is revoked, or deleted with delete_old; a spat is deleted)." +
			dest + ". If a step fails, the message says exactly which token works.",
		Annotations:  destructive("Rotate an access token"),
		InputSchema:  inputSchema[RotateArgs](kindEnum),
		OutputSchema: outputSchema[Rotated](),
	}, t.rotate)
	sdk.AddTool(s, &sdk.Tool{
		Name:         "delete_token",
		Description:  "Delete an access token (pat or spat) by id or name. Anything using it stops working.",
		Annotations:  destructive("Delete an access token"),
		InputSchema:  inputSchema[DeleteArgs](kindEnum),
		OutputSchema: outputSchema[core.DeleteResult](),
	}, t.delete)
}

func (t *tools) listTokens(ctx context.Context, _ *sdk.CallToolRequest, a ListTokensArgs) (*sdk.CallToolResult, *tokenListResult, error) {
	if a.JQ != "" {
		if _, err := t.svc.JQ().Compile(a.JQ); err != nil {
			return nil, nil, t.failure(ctx, a.Profile, err)
		}
	}
	v, err := t.svc.ListTokens(ctx, t.caller(a.Profile), &core.ListTokensRequest{
		TokenOwner: a.OwnerArgs.core(), TokenRef: core.TokenRef{ID: a.ID, Name: a.Name},
	})
	if err != nil {
		return nil, nil, t.failure(ctx, a.Profile, err)
	}
	var list []output.TokenInfo
	switch v := v.(type) {
	case *core.TokenList:
		list = v.Data
	case output.TokenInfo:
		list = []output.TokenInfo{v}
	default:
		return nil, nil, fmt.Errorf("list_tokens: unexpected answer %T", v)
	}
	if list == nil {
		list = []output.TokenInfo{}
	}
	// The same meta as the other list tools: Konnect returns every token
	// of an owner at once, so total and returned only differ when id or
	// name picked one.
	meta := core.ListMeta{Total: len(list), Returned: len(list)}
	if tl, ok := v.(*core.TokenList); ok {
		meta.Total = len(tl.Data)
	}
	if a.JQ == "" {
		return nil, &tokenListResult{Data: &list, Meta: meta}, nil
	}
	out, err := t.evalJQ(ctx, a.JQ, list)
	if err != nil {
		return nil, nil, t.failure(ctx, a.Profile, err)
	}
	return nil, &tokenListResult{Meta: meta, Result: out}, nil
}

// destination is where one create or rotate puts the value.
type destination struct {
	store *core.StoreTarget // nil: the value comes back from the core
	file  string            // absolute; "" unless a file was asked for
}

// plan checks the destination before anything is created: one target at
// most, a file that can be created, and the default for the server's mode.
func (t *tools) plan(d DestinationArgs, tokenName string) (*destination, error) {
	n := 0
	for _, v := range []string{d.StoreProfile, d.StoreName, d.File} {
		if v != "" {
			n++
		}
	}
	if n > 1 {
		return nil, errors.New("give at most one of store_profile, store_name and file")
	}
	switch {
	case d.StoreProfile != "":
		return &destination{store: &core.StoreTarget{Profile: d.StoreProfile, Replace: d.Replace}}, nil
	case d.StoreName != "":
		return &destination{store: &core.StoreTarget{Name: d.StoreName, Replace: d.Replace}}, nil
	case d.File != "":
		path, err := filepath.Abs(d.File)
		if err != nil {
			return nil, fmt.Errorf("file: %w", err)
		}
		if _, err := os.Lstat(path); err == nil {
			return nil, fmt.Errorf("file %s already exists; name a new file (it is never overwritten)", path)
		}
		if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("file %s: its directory does not exist", path)
		}
		return &destination{file: path}, nil
	case t.o.RevealSecrets:
		return &destination{}, nil
	}
	name := strings.TrimSpace(tokenName)
	if name == "" {
		return nil, errors.New("name is required") // the core says so too, but the default store needs it first
	}
	return &destination{store: &core.StoreTarget{Name: name, Replace: d.Replace}}, nil
}

// deliver puts a new token's value where d says and builds the record the
// model sees. The core has already stored it when d.store is set.
func (t *tools) deliver(ctx context.Context, d *destination, c *core.TokenCreated) (*Created, error) {
	out := &Created{TokenCreated: *c}
	switch {
	case c.Stored != nil:
		out.Where = fmt.Sprintf("in the %s keychain: service %q, account %q", c.Stored.Keychain, keychain.DefaultService, c.Stored.Account)
		if _, space := keychain.AccountName(c.Stored.Account); space == "profile" {
			out.Where += " — now that profile's credential"
		}
		out.Where += "; " + t.readHint(c.Stored.Keychain, c.Stored.Account)
		if c.Stored.Replaced != nil {
			out.Where += ". " + c.Stored.Replaced.Note
		}
	case d.file != "":
		f, err := os.OpenFile(d.file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			_, err = f.WriteString(c.Token + "\n")
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			os.Remove(d.file)
			return nil, t.lost(ctx, t.svc.Rescue(ctx, t.caller(""), c, "write file", fmt.Errorf("write %s: %w", d.file, err)))
		}
		out.File, out.Where = d.file, "in the file "+d.file+" (mode 0600)"
	default:
		out.Where = "in this result only (token): it is not stored anywhere"
	}
	if !t.o.RevealSecrets {
		out.Token = ""
	}
	return out, nil
}

// readHint tells the user (not the model) how to read an entry outside
// konnectd: secret-tool for Linux's Secret Service (whose attribute is
// username), konnectd's own command everywhere.
func (t *tools) readHint(kind, account string) string {
	name, space := keychain.AccountName(account)
	cmd := fmt.Sprintf("konnectd get stored %s --secret", name)
	if space == "profile" {
		cmd = "konnectd env -p " + name
	}
	hint := "the user can read it in a terminal with '" + cmd + "'"
	if kind == keychain.KindSystem && runtime.GOOS == "linux" {
		hint += fmt.Sprintf(" or 'secret-tool lookup service %s username %s'", keychain.DefaultService, account)
	}
	return hint
}

// lost explains a created token whose value could not be delivered, from
// the core's StateError: kept in the keychain (recovered:<id>), or, when
// the keychain could not take it either, handed back. A handed-back value
// reaches the model only with RevealSecrets; otherwise it goes to a new
// 0600 file for the user, and only if that fails too is it gone.
func (t *tools) lost(ctx context.Context, err error) error {
	var st *core.StateError
	if !errors.As(err, &st) {
		return t.failure(ctx, "", err)
	}
	c, _ := st.Created.(*core.TokenCreated)
	if c == nil {
		return t.failure(ctx, "", err)
	}
	head := fmt.Sprintf("the %s %q (%s) was created in Konnect, but %s failed: %v.", c.Type, c.Name, c.ID, st.Step, redactErr(st.Err))
	if r := st.Recovery; r != nil && r.In == "keychain" {
		return fmt.Errorf("%s Its value is kept in the %s keychain as %s (list_stored shows it); %s. Tell the user; do not create another", head, r.Keychain, r.Account, t.readHint(r.Keychain, r.Account))
	}
	if c.Token == "" {
		return t.failure(ctx, "", err)
	}
	if t.o.RevealSecrets {
		return fmt.Errorf("%s The keychain could not keep it either. Its value, shown once: %s", head, c.Token)
	}
	if path, ferr := recoveryFile(c); ferr == nil {
		return fmt.Errorf("%s The keychain could not keep it either, so its value was written to the new file %s (mode 0600): tell the user to move it somewhere safe and delete the file", head, path)
	}
	return fmt.Errorf("%s Neither the keychain nor a file could keep its value, so it is lost: delete it (delete_token kind %s id %s) and create another once the keychain works", head, c.Type, c.ID)
}

// recoveryFile writes c's secret to a new file of mode 0600 in the user's
// config directory (konnectd/recovered-<id>.token): the MCP face's last
// place for a value that must not enter the conversation.
func recoveryFile(c *core.TokenCreated) (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(base, "konnectd")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "recovered-"+filepath.Base(c.ID)+".token")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	_, err = f.WriteString(c.Token + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", err
	}
	return path, nil
}

func redactErr(err error) string { return redact.String(err.Error()) }

// tokenFailure is failure for the token tools: a StateError whose new
// token exists gets the MCP version of "where is it".
func (t *tools) tokenFailure(ctx context.Context, profile string, err error) error {
	var st *core.StateError
	if errors.As(err, &st) {
		if _, ok := st.Created.(*core.TokenCreated); ok && st.Recovery != nil {
			return t.lost(ctx, err)
		}
	}
	return t.failure(ctx, profile, err)
}

func (t *tools) createPAT(ctx context.Context, _ *sdk.CallToolRequest, a CreatePATArgs) (*sdk.CallToolResult, *Created, error) {
	d, err := t.plan(a.DestinationArgs, a.Name)
	if err != nil {
		return nil, nil, err
	}
	v, err := t.svc.CreatePersonalToken(ctx, t.caller(a.Profile), &core.CreatePATRequest{
		Name: a.Name, UserID: a.UserID, Expiry: core.Expiry(a.ExpiryArgs), Store: d.store,
	})
	return t.created(ctx, a.Profile, d, v, err)
}

func (t *tools) createSPAT(ctx context.Context, _ *sdk.CallToolRequest, a CreateSPATArgs) (*sdk.CallToolResult, *Created, error) {
	d, err := t.plan(a.DestinationArgs, a.Name)
	if err != nil {
		return nil, nil, err
	}
	v, err := t.svc.CreateSystemAccountToken(ctx, t.caller(a.Profile), &core.CreateSPATRequest{
		Name:       a.Name,
		AccountRef: core.AccountRef{SystemAccountID: a.SystemAccountID, SystemAccountName: a.SystemAccountName},
		Expiry:     core.Expiry(a.ExpiryArgs), Store: d.store,
	})
	return t.created(ctx, a.Profile, d, v, err)
}

func (t *tools) created(ctx context.Context, profile string, d *destination, v any, err error) (*sdk.CallToolResult, *Created, error) {
	if err != nil {
		return nil, nil, t.tokenFailure(ctx, profile, err)
	}
	c, ok := v.(*core.TokenCreated)
	if !ok {
		return nil, nil, fmt.Errorf("create: unexpected answer %T", v)
	}
	out, err := t.deliver(ctx, d, c)
	if err != nil {
		return nil, nil, err
	}
	return nil, out, nil
}

func (t *tools) rotate(ctx context.Context, _ *sdk.CallToolRequest, a RotateArgs) (*sdk.CallToolResult, *Rotated, error) {
	name := a.NewName
	if name == "" {
		name = a.Name
	}
	if name == "" && a.StoreName == "" && a.StoreProfile == "" && a.File == "" && !t.o.RevealSecrets {
		return nil, nil, errors.New("rotating by id: name where the new token goes (store_name, store_profile or file), or give new_name")
	}
	d, err := t.plan(a.DestinationArgs, name)
	if err != nil {
		return nil, nil, err
	}
	v, err := t.svc.RotateToken(ctx, t.caller(a.Profile), &core.RotateTokenRequest{
		TokenOwner: a.OwnerArgs.core(), TokenRef: core.TokenRef{ID: a.ID, Name: a.Name},
		Expiry: core.Expiry(a.ExpiryArgs), NewName: a.NewName, DeleteOld: a.DeleteOld, Store: d.store,
	})
	if err != nil {
		return nil, nil, t.tokenFailure(ctx, a.Profile, err)
	}
	r, ok := v.(*core.RotateResult)
	if !ok {
		return nil, nil, fmt.Errorf("rotate: unexpected answer %T", v)
	}
	created, err := t.deliver(ctx, d, r.New)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (the old token %s was %s)", err, r.Old.ID, r.OldAction)
	}
	return nil, &Rotated{New: *created, Old: r.Old, OldAction: r.OldAction}, nil
}

func (t *tools) delete(ctx context.Context, _ *sdk.CallToolRequest, a DeleteArgs) (*sdk.CallToolResult, *core.DeleteResult, error) {
	v, err := t.svc.DeleteToken(ctx, t.caller(a.Profile), &core.DeleteTokenRequest{
		TokenOwner: a.OwnerArgs.core(), TokenRef: core.TokenRef{ID: a.ID, Name: a.Name}, Forget: a.Forget,
	})
	if err != nil {
		return nil, nil, t.failure(ctx, a.Profile, err)
	}
	res, ok := v.(*core.DeleteResult)
	if !ok {
		return nil, nil, fmt.Errorf("delete: unexpected answer %T", v)
	}
	return nil, res, nil
}
