package api

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// parse runs the command's flag parsing through the runF seam and returns
// the options it produced.
func parse(t *testing.T, stdin string, args ...string) *Options {
	t.Helper()
	var got *Options
	f := &Factory{In: strings.NewReader(stdin), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
	cmd := NewCmd(f, func(o *Options) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return got
}

// TestFieldsWithoutMethodAreRefused: where gh api would turn -f into a
// POST, konnectd refuses before sending, and says to add -X POST.
func TestFieldsWithoutMethodAreRefused(t *testing.T) {
	for _, args := range [][]string{
		{"/v2/control-planes", "-f", "name=dev"},
		{"/v2/control-planes", "-F", "cloud_gateway=true"},
		{"/v2/control-planes", "--input", "-"},
	} {
		o := parse(t, "{}", args...)
		sent := false
		o.F.Request = func(context.Context, *Params, func(int, int)) (*Result, error) { sent = true; return &Result{}, nil }
		err := Run(context.Background(), o)
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Code != 2 || !strings.Contains(err.Error(), "add -X POST") {
			t.Errorf("%v: %v, want a usage error saying to add -X POST", args, err)
		}
		if sent {
			t.Errorf("%v: a request was sent", args)
		}
	}
}

func TestBuild(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  Params
	}{
		{"plain GET", "", []string{"/v2/control-planes", "--paginate", "--jq", ".[].name", "-r"},
			Params{Method: "GET", Path: "/v2/control-planes", Paginate: true, Format: &Format{Output: "json", JQ: new(".[].name"), RawOutput: true}}},
		{"fields are a query with -X GET", "", []string{"-X", "get", "/v2/control-planes", "-f", "filter[name][contains]=dev", "-F", "page[size]=50"},
			Params{Method: "GET", Path: "/v2/control-planes", Query: map[string][]string{"filter[name][contains]": {"dev"}, "page[size]": {"50"}}, Format: &Format{Output: "json"}}},
		{"fields are a nested body with -X POST", "", []string{"-X", "POST", "/v2/control-planes", "-f", "name=dev", "-F", "labels[env]=dev", "-F", "cloud_gateway=false", "-f", "proxy_urls[]=x", "-F", "n=3", "-p", "team-a", "--region", "eu", "-H", "X-Trace: 1"},
			Params{Method: "POST", Path: "/v2/control-planes", Profile: "team-a", Region: "eu", Headers: map[string]string{"X-Trace": "1"},
				Body: []byte(`{"cloud_gateway":false,"labels":{"env":"dev"},"n":3,"name":"dev","proxy_urls":["x"]}`), Format: &Format{Output: "json"}}},
		{"--input is the body and fields the query", `{"description":"d"}`, []string{"-X", "PATCH", "/v2/control-planes/x", "--input", "-", "-f", "a=b", "-o", "yaml", "--reveal-secrets"},
			Params{Method: "PATCH", Path: "/v2/control-planes/x", Body: []byte(`{"description":"d"}`), Query: map[string][]string{"a": {"b"}}, RevealSecrets: true, Format: &Format{Output: "yaml"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Build(parse(t, tc.stdin, tc.args...))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*p, tc.want) {
				t.Errorf("params\n got %+v %s\nwant %+v %s", *p, p.Body, tc.want, tc.want.Body)
			}
		})
	}
}

func TestBuildRefusals(t *testing.T) {
	for _, args := range [][]string{
		{"-X", "POST", "/v2/control-planes", "--paginate"},
		{"-X", "GET", "/v2/control-planes", "--input", "-"},
		{"/v2/control-planes", "-o", "text"},
		{"/v2/control-planes", "-r"},
		{"/v2/control-planes", "--jq", ".", "-r", "-o", "yaml"},
		{"-X", "POST", "/v2/control-planes", "-f", "novalue"},
		{"-X", "POST", "/v2/control-planes", "-f", "a=1", "-f", "a[b]=2"},
		{"/v2/control-planes", "-H", "no colon"},
		{"-X", "POST", "/v2/control-planes", "--input", "-"}, // stdin is not JSON
	} {
		_, err := Build(parse(t, "not json", args...))
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Code != 2 {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}
