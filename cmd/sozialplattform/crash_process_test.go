package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// childProcess is the program as a real process (the test binary run
// through TestMain, see main_test.go), so that it can be killed with
// SIGKILL and started again on the same database, as a supervisor would
// restart it. Every incarnation has the default instance ID, host name and
// process ID, under which it holds its leases – so that a restart can tell
// that its predecessor is gone.
//
// Every incarnation listens on a port the kernel gives it (--addr
// 127.0.0.1:0) and names it in its start line; the test's clients follow
// base(), as clients behind a load balancer would. A port picked in the
// test and handed to the child would be free for anyone until the child
// binds it – a race that kept these tests from running in parallel.
// While no incarnation runs, base() names a port that refuses every
// connection, as a server that is down does; never the dead incarnation's
// port, which the kernel may have handed to another test's server since.
type childProcess struct {
	args []string
	env  []string
	dir  string
	out  *syncBuffer // the output of every incarnation, for failure messages
	down string      // the refusing address of refusingAddr

	mu     sync.Mutex
	n      int
	addr   string // the current incarnation's address, down while none runs
	cmd    *exec.Cmd
	exited chan struct{}
}

// newChildProcess prepares `args` (without --addr) with the environment
// env on top of the test's own, minus every SOZIALPLATTFORM_ setting the
// test does not name.
func newChildProcess(t *testing.T, args []string, env map[string]string) *childProcess {
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
	down := refusingAddr(t)
	args = append(slices.Clone(args), "--addr", "127.0.0.1:0")
	return &childProcess{args: args, env: base, dir: t.TempDir(), out: &syncBuffer{}, down: down, addr: down}
}

// address is the current incarnation's host:port, or the refusing
// address while none runs.
func (c *childProcess) address() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.addr
}

// base is the URL of the current incarnation (see address).
func (c *childProcess) base() string { return "http://" + c.address() }

// startLine is the line in which serve names the address it listens on
// (its base URL, derived from the address as the tests set none).
var startLine = regexp.MustCompile(`läuft: http://(127\.0\.0\.1:\d+) `)

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
// with the time that took. The clients are sent to the incarnation as
// soon as it names its address: it listens from then on.
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
	from := len(c.out.String()) // where this incarnation's output begins
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start incarnation %d: %w", n, err)
	}
	exited := make(chan struct{})
	c.mu.Lock()
	c.cmd, c.exited = cmd, exited
	c.mu.Unlock()
	go func() {
		err := cmd.Wait()
		fmt.Fprintf(c.out, "=== incarnation %d ended: %v ===\n", n, err)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.addr = c.down
		close(exited)
	}()

	hc := &http.Client{Timeout: time.Second}
	addr := ""
	// A bound for a start that hangs (the time it took is reported): on
	// two CPUs shared with the package's other parallel tests a start
	// took up to 6 s.
	for deadline := began.Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case <-exited:
			return 0, fmt.Errorf("incarnation %d ended before it was ready", n)
		default:
		}
		if addr == "" {
			m := startLine.FindStringSubmatch(c.out.String()[from:])
			if m == nil {
				continue
			}
			addr = m[1]
			c.mu.Lock()
			select {
			case <-exited: // ended meanwhile: the clients keep the refusing address
			default:
				c.addr = addr
			}
			c.mu.Unlock()
		}
		resp, err := hc.Get("http://" + addr + "/readyz")
		if err != nil {
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return time.Since(began), nil
		}
	}
	return 0, fmt.Errorf("incarnation %d not ready within 2 minutes", n)
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

// refusingAddr reserves a loopback port for the test without listening
// on it: a connection to it is refused at once, and no other process can
// take the port while the test runs.
func refusingAddr(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
}
