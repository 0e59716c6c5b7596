package delivery

import (
	"context"
	"fmt"
)

// ReleaseDead frees the deliveries claimed by workers that dead reports as
// no longer running (a process killed during a delivery run), so that a
// restarted process resumes them at once instead of after the lease. That
// is safe because a transport's ID is stored before the upload: a resumed
// delivery that had reached the endpoint is completed, not sent again. It
// returns how many rows it freed. Call it at start, before the worker.
func (s *Service) ReleaseDead(ctx context.Context, dead func(instance string) bool) (int, error) {
	now := s.now()
	var holders []string
	if err := s.db.Write.NewSelect().Model((*row)(nil)).ColumnExpr("DISTINCT lease_holder").
		Where("lease_holder <> ''").Where("lease_until > ?", now).Scan(ctx, &holders); err != nil {
		return 0, fmt.Errorf("list delivery leases: %w", err)
	}
	freed := 0
	for _, h := range holders {
		if h == s.opts.Instance || !dead(h) {
			continue
		}
		res, err := s.db.Write.NewUpdate().Model((*row)(nil)).Set("lease_until = NULL").
			Where("lease_holder = ?", h).Where("lease_until > ?", now).Exec(ctx)
		if err != nil {
			return freed, fmt.Errorf("release deliveries of %s: %w", h, err)
		}
		n, _ := res.RowsAffected()
		freed += int(n)
		s.opts.Logger.Warn("deliveries of an ended process released", "instance", h, "count", n)
	}
	return freed, nil
}
