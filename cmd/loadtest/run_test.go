package main

import "testing"

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
