package web

import (
	"errors"
	"fmt"
)

// Dict builds a map from key/value pairs, to hand several values to a
// shared template part ({{template "field" dict "Form" .Form "ID" "email"}}).
// Both surfaces, the console and the citizen portal, register it as
// "dict".
func Dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
