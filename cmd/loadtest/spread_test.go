package main

import (
	"slices"
	"testing"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func TestSpreadSendsEveryTargetToEveryInstanceOrEachOnceInTurn(t *testing.T) {
	a, b := "http://127.0.0.1:8081", "http://127.0.0.1:8082"
	targets := []vegeta.Target{{Method: "GET", URL: a + "/x"}, {Method: "GET", URL: a + "/y?q=1"}, {Method: "POST", URL: a + "/z"}}
	tests := []struct {
		name      string
		instances []string
		once      bool
		want      []string
	}{
		{"one instance: unchanged", []string{a}, false, []string{a + "/x", a + "/y?q=1", a + "/z"}},
		{"two instances: each target to both", []string{a, b}, false, []string{a + "/x", b + "/x", a + "/y?q=1", b + "/y?q=1", a + "/z", b + "/z"}},
		{"two instances, once: each target to one, in turn", []string{a, b}, true, []string{a + "/x", b + "/y?q=1", a + "/z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range spread(targets, a, tt.instances, tt.once) {
				got = append(got, s.URL)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("spread = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEveryInstanceMustBeOnLoopback(t *testing.T) {
	o, err := parseOptions([]string{"--target", "http://127.0.0.1:8081, http://127.0.0.1:8082/"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.instances, []string{"http://127.0.0.1:8081", "http://127.0.0.1:8082"}) || o.target != o.instances[0] {
		t.Errorf("instances %v, target %s", o.instances, o.target)
	}
	if _, err := parseOptions([]string{"--target", "http://127.0.0.1:8081,http://10.1.2.3"}); err == nil {
		t.Error("a second instance off this machine was accepted")
	}
}
