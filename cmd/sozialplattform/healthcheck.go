package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// healthcheckTimeout bounds one check: a container runtime's HEALTHCHECK
// runs it every few seconds.
const healthcheckTimeout = 3 * time.Second

// healthcheckCmd asks a running server's /readyz and fails unless it
// answers 200: the HEALTHCHECK of the container image, which has no curl.
// Without --url it asks the address the server listens on (--addr,
// SOZIALPLATTFORM_ADDR), a wildcard address as loopback.
func healthcheckCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var target string
	cfg, rest, err := parseConfig("healthcheck", args, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&target, "url", "", "abzufragende Adresse (Standard: http://<addr>/readyz)")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("healthcheck: unexpected arguments %q", rest)
	}
	if target == "" {
		if target, err = readyzURL(cfg.Addr); err != nil {
			return fmt.Errorf("healthcheck: %w", err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %s: %w", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s: %s", target, resp.Status, body)
	}
	fmt.Fprintf(stdout, "bereit: %s\n", target)
	return nil
}

// readyzURL is the readiness URL of a server listening on addr.
func readyzURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--addr %q: %w", addr, err)
	}
	if port == "" || port == "0" {
		return "", errors.New("--addr names no fixed port: give --url")
	}
	switch ip := net.ParseIP(host); {
	case host == "":
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified() && ip.To4() != nil:
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified():
		host = "::1"
	}
	u := url.URL{Scheme: "http", Host: net.JoinHostPort(host, port), Path: "/readyz"}
	return u.String(), nil
}
