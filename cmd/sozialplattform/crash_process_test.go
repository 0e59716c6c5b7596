package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// childProcess is the program as a real process (the test binary run
// through TestMain, see main_test.go) on a fixed loopback address, so that
// it can be killed with SIGKILL and started again on the same address and
// database, as a supervisor would restart it. Every incarnation has the
// default instance ID, host name and process ID, under which it holds its
// leases – so that a restart can tell that its predecessor is gone.
type childProcess struct {
	addr string
	args []string
	env  []string
	dir  string
	out  *syncBuffer // the output of every incarnation, for failure messages

	mu     sync.Mutex
	n      int
	cmd    *exec.Cmd
	exited chan struct{}
}

// newChildProcess prepares `args` with the environment env on top of the
// test's own, minus every SOZIALPLATTFORM_ setting the test does not name.
func newChildProcess(t *testing.T, addr string, args []string, env map[string]string) *childProcess {
	t.Helper()
	var base []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SOZIALPLATTFORM_") && !strings.HasPrefix(kv, "DATABASE_URL=") {
			base = append(base, kv)
		}
	}
	base = append(base, childProcessEnv+"=1")
	for k, v := range env {
		base = append(base, k+"="+v)
	}
	return &childProcess{addr: addr, args: args, env: base, dir: t.TempDir(), out: &syncBuffer{}}
}

// instance names the current incarnation as the program does by default.
func (c *childProcess) instance() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	host, _ := os.Hostname()
	if c.cmd == nil || c.cmd.Process == nil {
		return ""
	}
	return fmt.Sprintf("%s-%d", host, c.cmd.Process.Pid)
}

// start runs the next incarnation and returns once /readyz answers 200,
// with the time that took.
func (c *childProcess) start() (time.Duration, error) {
	c.mu.Lock()
	c.n++
	n := c.n
	c.mu.Unlock()
	cmd := exec.Command(os.Args[0], c.args...)
	cmd.Env = c.env
	cmd.Dir = c.dir
	cmd.Stdout, cmd.Stderr = c.out, c.out
	fmt.Fprintf(c.out, "=== incarnation %d ===\n", n)
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start incarnation %d: %w", n, err)
	}
	exited := make(chan struct{})
	go func() {
		err := cmd.Wait()
		fmt.Fprintf(c.out, "=== incarnation %d ended: %v ===\n", n, err)
		close(exited)
	}()
	c.mu.Lock()
	c.cmd, c.exited = cmd, exited
	c.mu.Unlock()

	hc := &http.Client{Timeout: time.Second}
	for deadline := began.Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case <-exited:
			return 0, fmt.Errorf("incarnation %d ended before it was ready", n)
		default:
		}
		resp, err := hc.Get("http://" + c.addr + "/readyz")
		if err != nil {
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return time.Since(began), nil
		}
	}
	return 0, fmt.Errorf("incarnation %d not ready within 30 s", n)
}

// kill ends the current incarnation with SIGKILL and returns once it is
// reaped. It fails when the process had ended by itself before.
func (c *childProcess) kill() error {
	c.mu.Lock()
	cmd, exited, n := c.cmd, c.exited, c.n
	c.mu.Unlock()
	select {
	case <-exited:
		return fmt.Errorf("incarnation %d had ended by itself before the kill", n)
	default:
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return fmt.Errorf("kill incarnation %d: %w", n, err)
	}
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		return fmt.Errorf("incarnation %d still alive 10 s after SIGKILL", n)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		return fmt.Errorf("incarnation %d ended with %v, not by SIGKILL", n, cmd.ProcessState)
	}
	return nil
}

// stop asks the current incarnation to shut down (SIGTERM) and reports
// how it ended; after 20 s it is killed.
func (c *childProcess) stop() error {
	c.mu.Lock()
	cmd, exited, n := c.cmd, c.exited, c.n
	c.mu.Unlock()
	if cmd == nil {
		return nil
	}
	select {
	case <-exited:
		return nil
	default:
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("stop incarnation %d: %w", n, err)
	}
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-exited
		return fmt.Errorf("incarnation %d did not shut down within 20 s", n)
	}
	if !cmd.ProcessState.Success() {
		return fmt.Errorf("incarnation %d shut down with %v", n, cmd.ProcessState)
	}
	return nil
}

// alive reports whether the current incarnation still runs.
func (c *childProcess) alive() bool {
	c.mu.Lock()
	exited := c.exited
	c.mu.Unlock()
	select {
	case <-exited:
		return false
	default:
		return true
	}
}

// tail is the end of the output of all incarnations.
func (c *childProcess) tail(n int) string {
	s := c.out.String()
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}

// freeLoopbackAddr picks a loopback port that is free now, to be used
// by every incarnation of a child process.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
