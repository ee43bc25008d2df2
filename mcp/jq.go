package mcp

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// JQArgs are the jq tool's arguments.
type JQArgs struct {
	Expression string          `json:"expression" jsonschema:"a jq expression (jq 1.7 syntax, as kongctl's --jq), e.g. .[] | select(.active) | .email"`
	Input      json.RawMessage `json:"input,omitempty" jsonschema:"the JSON value to transform (default null)"`
	RawOutput  bool            `json:"raw_output,omitempty" jsonschema:"like jq -r: one line per result, strings without quotes; result is then one string"`
}

// JQOutput is the jq tool's answer.
type JQOutput struct {
	Result any `json:"result" jsonschema:"no results give null, one gives that value, several give an array (kongctl's rule); with raw_output, the text"`
}

type jqResult struct {
	Result json.RawMessage `json:"result"`
}

func (t *tools) addJQ(s *sdk.Server) {
	sdk.AddTool(s, &sdk.Tool{
		Name: "jq",
		Description: "Transform JSON with a jq expression, locally (no Konnect call), under a deadline and size limits. " +
			"The list tools take a jq argument too, which saves passing their output back here.",
		Annotations: localOnly("jq transform"),
		InputSchema: inputSchema[JQArgs](func(s *jsonschema.Schema) {
			s.Properties["input"] = &jsonschema.Schema{Description: s.Properties["input"].Description}
		}),
		OutputSchema: outputSchema[JQOutput](),
	}, t.jq)
}

func (t *tools) jq(ctx context.Context, _ *sdk.CallToolRequest, a JQArgs) (*sdk.CallToolResult, *jqResult, error) {
	in := []byte(a.Input)
	if len(in) == 0 {
		in = []byte("null")
	}
	var out any
	var err error
	if a.RawOutput {
		out, err = t.svc.JQ().EvalJSONRaw(ctx, a.Expression, in)
	} else {
		out, err = t.svc.JQ().EvalJSON(ctx, a.Expression, in)
	}
	if err != nil {
		return nil, nil, t.failure(ctx, "", err)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, nil, errors.New("jq result is not JSON: " + err.Error())
	}
	return nil, &jqResult{Result: b}, nil
}
