package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// buildBinary compiles the program once per benchmark run.
func buildBinary(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "sozialplattform")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startProcess starts `serve` on an empty SQLite database in a fresh data
// folder and returns once /readyz answers, with the time that took.
func startProcess(b *testing.B, bin string, extra ...string) (*exec.Cmd, time.Duration) {
	b.Helper()
	dir := b.TempDir()
	addr := freeAddr(b)
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr, "--log-level", "error"}, extra...)...)
	cmd.Dir = dir
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd, time.Since(start)
			}
		}
		if time.Since(start) > 30*time.Second {
			cmd.Process.Kill()
			b.Fatal("server not ready within 30 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func stopProcess(cmd *exec.Cmd) {
	cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
	}
}

// rssKB reads the resident set size of a process from /proc.
func rssKB(pid int) (int, error) { return statusKB(pid, "VmRSS:") }

// statusKB reads a "… kB" line of /proc/<pid>/status.
func statusKB(pid int, field string) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), field); ok {
			return strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
		}
	}
	return 0, fmt.Errorf("no %s for %d", field, pid)
}

// BenchmarkColdStart starts the real binary on an empty SQLite database
// (folder created, schema migrated) until /readyz answers. Target ≤ 1 s.
func BenchmarkColdStart(b *testing.B) {
	bin := buildBinary(b)
	var total time.Duration
	b.ResetTimer()
	for range b.N {
		cmd, took := startProcess(b, bin)
		total += took
		b.StopTimer()
		stopProcess(cmd)
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/start")
}

// BenchmarkIdleRSS measures the resident memory of a started server after
// it has been idle for a few seconds, as an instance runs in production
// ("plain": an empty database) and with the demo ("demo": demo data plus
// the demo's local FIT-Connect and XTA2 servers in the same process).
// Target ≤ 60 MB. It also reports the anonymous part (heap, stacks) apart
// from the binary's file-backed code pages.
func BenchmarkIdleRSS(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("needs /proc")
	}
	bin := buildBinary(b)
	for _, mode := range []struct {
		name string
		args []string
	}{{"plain", nil}, {"demo", []string{"--demo"}}} {
		b.Run(mode.name, func(b *testing.B) {
			var total, anon int
			for range b.N {
				cmd, _ := startProcess(b, bin, mode.args...)
				time.Sleep(5 * time.Second)
				kb, err := rssKB(cmd.Process.Pid)
				anonKB, err2 := statusKB(cmd.Process.Pid, "RssAnon:")
				stopProcess(cmd)
				if err != nil || err2 != nil {
					b.Fatal(err, err2)
				}
				total += kb
				anon += anonKB
			}
			b.ReportMetric(float64(total)/float64(b.N)/1024, "MB-idle-rss")
			b.ReportMetric(float64(anon)/float64(b.N)/1024, "MB-anon")
		})
	}
}
