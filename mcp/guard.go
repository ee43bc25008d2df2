package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/redact"
)

// guard wraps every tools/call: a deadline, a recovered panic, a size cap
// and the secrets check. It sits after the SDK has validated the request,
// so malformed requests and unknown tools still fail as protocol errors.
//
// The secrets check is the last line of defence, not the policy: the
// token tools already keep values out of their results. It exists so that
// a future tool, a Konnect field nobody expected to hold a token, or a jq
// expression echoing its input cannot put a kpat_/spat_ value into the
// model's context.
func (t *tools) guard(next sdk.MethodHandler) sdk.MethodHandler {
	return func(ctx context.Context, method string, req sdk.Request) (res sdk.Result, err error) {
		switch {
		case method == "tools/list":
			return titled(next(ctx, method, req))
		case notOffered(method):
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeMethodNotFound,
				Message: fmt.Sprintf("method %q not found: this server offers tools and resources only (its capabilities say so)", method)}
		case method != "tools/call":
			return next(ctx, method, req)
		}
		name := ""
		if p, ok := req.GetParams().(*sdk.CallToolParamsRaw); ok {
			name = p.Name
		}
		ctx, cancel := context.WithTimeout(ctx, t.o.Timeout)
		defer cancel()
		// The audit log names the agent host that spawned this server.
		ctx = core.WithPeer(ctx, hostPeer())
		defer func() {
			if r := recover(); r != nil {
				t.o.Log.Error("tool panicked", "tool", name, "panic", redact.String(fmt.Sprint(r)), "stack", redact.String(string(debug.Stack())))
				res, err = errorResult("internal error in konnectd; the failure is in the user's konnectd log"), nil
			}
		}()
		res, err = next(ctx, method, req)
		ctr, ok := res.(*sdk.CallToolResult)
		if err != nil || !ok || ctr == nil {
			return res, err
		}
		if ctr.IsError && len(ctr.Content) == 1 {
			if tc, ok := ctr.Content[0].(*sdk.TextContent); ok {
				if msg, ok := argumentsMessage(name, tc.Text); ok {
					return errorResult(msg), nil
				}
			}
		}
		data, merr := json.Marshal(ctr)
		if merr != nil {
			return nil, merr
		}
		if !t.o.RevealSecrets && redact.Contains(string(data)) {
			t.o.Log.Warn("withheld a tool result holding a token value", "tool", name)
			return errorResult("the result was withheld: it contained a token value, and this server keeps secrets out of the conversation (start it with --reveal-secrets to allow that). Narrow the request with jq to the fields you need."), nil
		}
		if len(data) > t.o.MaxResult {
			return errorResult(fmt.Sprintf("the result is %d bytes, over this server's cap of %d (--max-result). Narrow it: a filter, a smaller limit, or a jq expression that keeps only the fields you need.", len(data), t.o.MaxResult)), nil
		}
		return ctr, nil
	}
}

func errorResult(msg string) *sdk.CallToolResult {
	res := &sdk.CallToolResult{}
	res.SetError(errors.New(msg))
	return res
}

// hostPeer is the process that runs this MCP server (its parent, the
// agent host), for the audit log.
func hostPeer() core.Peer {
	ppid := os.Getppid()
	exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", ppid))
	return core.Peer{UID: os.Getuid(), PID: ppid, Exe: exe, Client: "konnectd mcp", Transport: "stdio"}
}

// notOffered reports whether method belongs to a capability this server
// does not advertise. The SDK answers prompts/list (with an empty list)
// whatever the capabilities say; a client that probes it should hear "not
// found", as the capabilities promised. Resources are offered (one: the
// stored tokens' expiry), so resources/ passes.
func notOffered(method string) bool {
	for _, p := range []string{"prompts/", "completion/"} {
		if strings.HasPrefix(method, p) {
			return true
		}
	}
	return false
}

// titled gives each listed tool a top-level title, its annotations'
// title, for hosts that read only the top-level one (the MCP spec's
// preferred field; annotations.title is the older spelling). The tools
// are copied: the SDK's own definitions are shared by every session.
func titled(res sdk.Result, err error) (sdk.Result, error) {
	ltr, ok := res.(*sdk.ListToolsResult)
	if err != nil || !ok || ltr == nil {
		return res, err
	}
	out := *ltr
	out.Tools = make([]*sdk.Tool, len(ltr.Tools))
	for i, tl := range ltr.Tools {
		c := *tl
		if c.Title == "" && c.Annotations != nil {
			c.Title = c.Annotations.Title
		}
		out.Tools[i] = &c
	}
	return &out, nil
}
