// Command sozialplattform runs the Sozialplattform Sachsen-Anhalt: the
// rollout console for ministry and municipalities, the JSON API and the
// citizen portal, from one binary on SQLite (default) or PostgreSQL.
//
// main only hands over to run, so that tests can start the whole program
// in-process with their own arguments, environment and output.
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
	go func() {
		// The first signal starts the graceful shutdown; a second one
		// ends the program at once, as without the handler.
		<-ctx.Done()
		stop()
	}()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sozialplattform:", err)
		os.Exit(1)
	}
}
