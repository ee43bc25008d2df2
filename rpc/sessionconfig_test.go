package rpc

import (
	"context"
	"testing"
)

type callerProbeParams struct {
	ProfileParam
	Extra int `json:"extra,omitempty"`
}

// callerProbe answers with the config file CallerFrom saw and what the
// session says it uses.
func callerProbe() []Method {
	return []Method{Func("test/caller", func(ctx context.Context, p *callerProbeParams) (map[string]any, error) {
		c := CallerFrom(ctx, p.Profile)
		s := SessionFrom(ctx)
		return map[string]any{
			"configFile": c.ConfigFile,
			"usesA":      s.UsesConfigFile("/cfg/a.yaml"),
			"usesB":      s.UsesConfigFile("/cfg/./b.yaml"),
			"usesOwn":    s.UsesConfigFile(""),
			"usesOther":  s.UsesConfigFile("/cfg/c.yaml"),
		}, nil
	})}
}

// TestCallerConfigFileOrder: the request's configFile > initialize's >
// the forwarded KONGCTL_CONFIG_FILE > "" (the daemon's own), for a method
// whose params embed ProfileParam; and the session remembers what it used,
// which decides who hears profile/didChange.
func TestCallerConfigFileOrder(t *testing.T) {
	ts := startServer(t, Options{}, callerProbe())
	probe := func(c *Client, params any) map[string]any {
		t.Helper()
		var got map[string]any
		if err := c.Call(context.Background(), "test/caller", params, &got); err != nil {
			t.Fatal(err)
		}
		return got
	}

	c := ts.dial(t)
	if err := c.Call(context.Background(), "initialize", InitializeParams{ConfigFile: "/cfg/a.yaml",
		Env: map[string]string{"KONGCTL_CONFIG_FILE": "/cfg/env.yaml"}}, nil); err != nil {
		t.Fatal(err)
	}
	if got := probe(c, map[string]any{}); got["configFile"] != "/cfg/a.yaml" || got["usesA"] != true || got["usesOwn"] != false {
		t.Errorf("initialize's file: %v", got)
	}
	if got := probe(c, map[string]any{"configFile": "/cfg/b.yaml", "extra": 1}); got["configFile"] != "/cfg/b.yaml" || got["usesB"] != true || got["usesA"] != true || got["usesOther"] != false {
		t.Errorf("the request's file: %v", got)
	}

	env := ts.dial(t)
	if err := env.Call(context.Background(), "initialize", InitializeParams{Env: map[string]string{"KONGCTL_CONFIG_FILE": "/cfg/a.yaml"}}, nil); err != nil {
		t.Fatal(err)
	}
	if got := probe(env, nil); got["configFile"] != "/cfg/a.yaml" || got["usesA"] != true {
		t.Errorf("the forwarded env's file: %v", got)
	}

	plain := ts.dial(t)
	if got := probe(plain, nil); got["configFile"] != "" || got["usesOwn"] != true || got["usesA"] != false {
		t.Errorf("no file named: %v", got)
	}
}
