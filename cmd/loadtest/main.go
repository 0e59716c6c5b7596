// Command loadtest measures the running system under load: it drives one or
// more scenarios (citizens browsing and using the finder, the ministry's
// dashboard, API clients listing tenants …) against a server on this
// machine with vegeta, and in the same run a bare net/http handler as the
// yardstick, then prints req/s, latency percentiles, errors and the ratio.
//
// It only ever sends to loopback addresses and stops by itself after the
// given duration.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}
