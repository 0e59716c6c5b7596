package web

import (
	"reflect"
	"testing"
)

func TestDictPairsKeysWithValues(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      []any
		want    map[string]any
		wantErr bool
	}{
		{name: "empty", in: nil, want: map[string]any{}},
		{name: "pairs", in: []any{"Form", 1, "ID", "email"}, want: map[string]any{"Form": 1, "ID": "email"}},
		{name: "odd count", in: []any{"Form"}, wantErr: true},
		{name: "key not a string", in: []any{1, "x"}, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Dict(tc.in...)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if !tc.wantErr && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Dict = %v, want %v", got, tc.want)
			}
		})
	}
}
