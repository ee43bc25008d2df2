package rpc

import (
	"reflect"
	"strings"
	"sync"

	"github.com/konnectd/konnectd/internal/redact"
)

// registerParamSecrets registers with redact the secrets a request's
// params carry, as they are decoded, so no error or log line about the
// request can carry them or a transform of them, whatever the method does:
// string fields whose JSON name is "token" or "pat" (auth/login's token),
// and the values of a map field "env" whose keys end in _PAT or _TOKEN
// (initialize's KONGCTL_<PROFILE>_KONNECT_PAT). Which fields a params type
// has is worked out once per type; for a type with none (jq/eval's) the
// cost is one map lookup.
func registerParamSecrets(v any) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return
	}
	rv = rv.Elem()
	for _, f := range secretFieldsOf(rv.Type()) {
		fv, err := rv.FieldByIndexErr(f.index)
		if err != nil {
			continue // through a nil embedded pointer
		}
		if !f.env {
			if s := fv.String(); s != "" {
				redact.Register(s)
			}
			continue
		}
		iter := fv.MapRange()
		for iter.Next() {
			k := strings.ToUpper(iter.Key().String())
			if strings.HasSuffix(k, "_PAT") || strings.HasSuffix(k, "_TOKEN") {
				redact.Register(iter.Value().String())
			}
		}
	}
}

type secretField struct {
	index []int
	env   bool // a map[string]string of environment variables
}

var secretFieldCache sync.Map // reflect.Type → []secretField

func secretFieldsOf(t reflect.Type) []secretField {
	if c, ok := secretFieldCache.Load(t); ok {
		return c.([]secretField)
	}
	var out []secretField
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		switch {
		case f.Type.Kind() == reflect.String && (strings.EqualFold(name, "token") || strings.EqualFold(name, "pat")):
			out = append(out, secretField{index: f.Index})
		case strings.EqualFold(name, "env") && f.Type.Kind() == reflect.Map &&
			f.Type.Key().Kind() == reflect.String && f.Type.Elem().Kind() == reflect.String:
			out = append(out, secretField{index: f.Index, env: true})
		}
	}
	secretFieldCache.Store(t, out)
	return out
}
