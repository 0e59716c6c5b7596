package jobs

import (
	"context"
	"fmt"
	"time"
)

// ReleaseDead frees the leases held by instances that dead reports as no
// longer running – a process killed during a run – so that the job runs
// again in its next slot instead of waiting for the lease to expire, and
// marks their unfinished runs as crashed ("Abgestürzt") with a note. The
// gap check (last start) still keeps a slot from running twice. It returns
// how many leases it freed. Call it at start, before Start.
func (r *Registry) ReleaseDead(ctx context.Context, dead func(instance string) bool) (int, error) {
	now := time.Now().UTC()
	var held []lease
	if err := r.db.Write.NewSelect().Model(&held).Where("holder <> ''").Where("lease_until > ?", now).Scan(ctx); err != nil {
		return 0, fmt.Errorf("list job leases: %w", err)
	}
	freed := 0
	for _, l := range held {
		if l.Holder == r.instance || !dead(l.Holder) {
			continue
		}
		res, err := r.db.Write.NewUpdate().Model((*lease)(nil)).Set("lease_until = ?", now).
			Where("name = ?", l.Name).Where("holder = ?", l.Holder).Exec(ctx)
		if err != nil {
			return freed, fmt.Errorf("release lease of job %s: %w", l.Name, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			freed++
			r.logger.Warn("job lease of an ended process released", "job", l.Name, "instance", l.Holder)
		}
		if _, err := r.db.Write.NewUpdate().Model((*Run)(nil)).Set("status = ?", RunPanic).Set("finished_at = ?", now).
			Set("error = ?", "Prozess beendet, während die Aufgabe lief").
			Where("name = ?", l.Name).Where("instance = ?", l.Holder).Where("status = ?", RunRunning).Exec(ctx); err != nil {
			return freed, fmt.Errorf("close runs of job %s: %w", l.Name, err)
		}
	}
	return freed, nil
}
