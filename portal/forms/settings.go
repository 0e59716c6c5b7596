package forms

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
)

// Settings are a municipality's retention periods: how long drafts live
// after their last change, and how long delivered applications are kept.
type RetentionSettings struct {
	DraftDays     int       `json:"draftDays" minimum:"1" maximum:"365" doc:"Tage, die ein Entwurf nach der letzten Änderung aufbewahrt wird"`
	RetentionDays int       `json:"retentionDays" minimum:"1" maximum:"3650" doc:"Tage, die ein zugestellter Antrag auf der Plattform bleibt"`
	Custom        bool      `json:"custom" readOnly:"true" doc:"false: die Voreinstellung der Plattform gilt"`
	UpdatedAt     time.Time `json:"updatedAt,omitzero" readOnly:"true"`
}

type settingsRow struct {
	bun.BaseModel `bun:"table:application_settings"`

	TenantID      string    `bun:"tenant_id,pk"`
	DraftDays     int       `bun:"draft_days"`
	RetentionDays int       `bun:"retention_days"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

// Settings returns a tenant's retention settings (the platform's defaults
// when it set none).
func (s *Store) Settings(ctx context.Context, tenantID string) (RetentionSettings, error) {
	return s.settings(ctx, s.db.Read, tenantID)
}

func (s *Store) settings(ctx context.Context, db bun.IDB, tenantID string) (RetentionSettings, error) {
	var row settingsRow
	err := db.NewSelect().Model(&row).Where("tenant_id = ?", tenantID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return RetentionSettings{DraftDays: int(s.opts.DraftTTL / (24 * time.Hour)), RetentionDays: int(s.opts.Retention / (24 * time.Hour))}, nil
	}
	if err != nil {
		return RetentionSettings{}, fmt.Errorf("application settings: %w", err)
	}
	return RetentionSettings{DraftDays: row.DraftDays, RetentionDays: row.RetentionDays, Custom: true, UpdatedAt: row.UpdatedAt}, nil
}

// Check returns the field errors of settings a tenant may set (German
// messages by JSON field name), or nil.
func (in RetentionSettings) Check() error {
	var fe tenant.FieldErrors
	if in.DraftDays < 1 || in.DraftDays > 365 {
		fe.Add("draftDays", "Entwürfe werden 1 bis 365 Tage aufbewahrt.")
	}
	if in.RetentionDays < 1 || in.RetentionDays > 3650 {
		fe.Add("retentionDays", "Zugestellte Anträge bleiben 1 bis 3650 Tage.")
	}
	return fe.Err()
}

// SetSettings changes a tenant's retention settings (audited).
func (s *Store) SetSettings(ctx context.Context, tenantID string, in RetentionSettings) (RetentionSettings, error) {
	if err := in.Check(); err != nil {
		return RetentionSettings{}, err
	}
	row := &settingsRow{TenantID: tenantID, DraftDays: in.DraftDays, RetentionDays: in.RetentionDays, UpdatedAt: s.now()}
	err := s.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(row).On("CONFLICT (tenant_id) DO UPDATE").
			Set("draft_days = EXCLUDED.draft_days").Set("retention_days = EXCLUDED.retention_days").Set("updated_at = EXCLUDED.updated_at").
			Exec(ctx); err != nil {
			return fmt.Errorf("save application settings: %w", err)
		}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: tenantID, Action: "update", ObjectType: "application-settings", ObjectID: tenantID,
			Summary: map[string]any{"draftDays": in.DraftDays, "retentionDays": in.RetentionDays}})
	})
	if err != nil {
		return RetentionSettings{}, err
	}
	return RetentionSettings{DraftDays: row.DraftDays, RetentionDays: row.RetentionDays, Custom: true, UpdatedAt: row.UpdatedAt}, nil
}

func (s *Store) draftTTL(ctx context.Context, tenantID string) (time.Duration, error) {
	set, err := s.Settings(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	return time.Duration(set.DraftDays) * 24 * time.Hour, nil
}
