package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
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
	flag.Parse()
	parallelBeyondCPUs()
	os.Exit(m.Run())
}

// parallelBeyondCPUs lets four times as many parallel tests run at once as
// there are CPUs (go test's default), unless -parallel is given: the long
// tests here mostly wait rather than compute – on child processes killed
// and restarted, on load phases timed by the wall clock, on Chromium –,
// and with two CPUs two such waits held up the rest of the package. Eight
// times as many overloaded two CPUs shared with other work: servers did
// not start within a minute and a crash test's load phase starved.
func parallelBeyondCPUs() {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", strconv.Itoa(4*runtime.GOMAXPROCS(0))) //nolint:errcheck // a known flag, a valid number
	}
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
