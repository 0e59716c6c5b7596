package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"testing"
)

// childProcessEnv, when set, makes the test binary act as the program
// itself: tests that need a real process (TestCrashSIGKILL kills it with
// SIGKILL) re-execute os.Args[0] with it instead of building the binary.
const childProcessEnv = "SOZIALPLATTFORM_TEST_AS_PROGRAM"

func TestMain(m *testing.M) {
	if os.Getenv(childProcessEnv) != "" {
		os.Exit(runAsProgram())
	}
	os.Exit(m.Run())
}

// runAsProgram is main without os.Exit, as the child process runs it.
func runAsProgram() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sozialplattform:", err)
		return 1
	}
	return 0
}
