package main

import (
	"context"
	"os"
	"strconv"
	"strings"
)

// releaseDeadLeases frees the job and delivery leases of a predecessor on
// this machine that was killed (a crash, an OOM kill, a hard restart), so
// that its work resumes at once instead of after the leases expire (up to
// three minutes). Only default instance IDs ("host-pid") of this host whose
// process is gone are judged dead; any other holder keeps its lease until
// it expires, as before.
func (a *app) releaseDeadLeases(ctx context.Context) {
	host, err := os.Hostname()
	if err != nil {
		return
	}
	dead := func(instance string) bool {
		rest, ok := strings.CutPrefix(instance, host+"-")
		pid, err := strconv.Atoi(rest)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() {
			return false
		}
		return processGone(pid)
	}
	if n, err := a.jobs.ReleaseDead(ctx, dead); err != nil {
		a.logger.Warn("release job leases of ended processes", "err", err)
	} else if n > 0 {
		a.logger.Info("job leases of ended processes released", "count", n)
	}
	if n, err := a.delivery.ReleaseDead(ctx, dead); err != nil {
		a.logger.Warn("release deliveries of ended processes", "err", err)
	} else if n > 0 {
		a.logger.Info("deliveries of ended processes released", "count", n)
	}
}
