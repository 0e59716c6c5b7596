package main

import (
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func TestOnlyLoopbackTargets(t *testing.T) {
	for target, ok := range map[string]bool{
		"http://127.0.0.1:8080":     true,
		"http://localhost:8080":     true,
		"http://[::1]:8080":         true,
		"http://10.0.0.1:8080":      false,
		"http://192.168.1.10":       false,
		"https://93.184.216.34/api": false,
		"not a url":                 false,
	} {
		if err := requireLoopback(target); (err == nil) != ok {
			t.Errorf("requireLoopback(%q) = %v", target, err)
		}
	}
}

func TestOptionsAreBounded(t *testing.T) {
	for _, args := range [][]string{
		{"--duration", "10m"},
		{"--duration", "0s"},
		{"--workers", "0"},
		{"--scenario", "unbekannt"},
		{"--target", "http://10.1.2.3"},
	} {
		if _, err := parseOptions(args); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

func TestOnceTargeterSendsEachTargetOnceThenStops(t *testing.T) {
	targets := []vegeta.Target{{Method: "POST", URL: "http://127.0.0.1/a"}, {Method: "POST", URL: "http://127.0.0.1/b"}}
	stopped := make(chan struct{})
	tr := onceTargeter(targets, func() { close(stopped) })
	var got []string
	var tg vegeta.Target
	for tr(&tg) == nil {
		got = append(got, tg.URL)
	}
	if len(got) != 2 || got[0] != targets[0].URL || got[1] != targets[1].URL {
		t.Fatalf("targets handed out: %v", got)
	}
	select {
	case <-stopped:
	case <-time.After(time.Second):
		t.Fatal("the attack was not stopped when the targets ran out")
	}
}
