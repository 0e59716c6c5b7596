package onboarding

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/uptrace/bun"

	"sozialplattform/tenant/fault"
)

// ObjCatalog is the catalogue of Onlinedienste and Antragsstrecken; the
// ministry maintains it (its "*" rule), nobody else changes it.
const ObjCatalog = "onboarding-catalog"

// LeiKaPrefix starts every service identifier of the Leistungskatalog
// (FIT-Connect Submission API 1.1.3 and metadata schema 1.0.0:
// "Im Falle einer Leistung aus dem Leistungskatalog sollte hier
// urn:de:fim:leika:leistung: vorangestellt werden").
const LeiKaPrefix = "urn:de:fim:leika:leistung:"

// leikaPattern is the prefix and a 14-digit LeiKa key, as in the API's
// example urn:de:fim:leika:leistung:99010003001006.
var (
	leikaPattern = regexp.MustCompile(`^urn:de:fim:leika:leistung:[0-9]{14}$`)
	bareLeiKa    = regexp.MustCompile(`^[0-9]{14}$`)
)

// CheckFITConnectService validates a FIT-Connect service identifier: the
// LeiKa prefix and a 14-digit key. A bare key is accepted and completed.
func CheckFITConnectService(s string) (string, error) {
	s = strings.TrimSpace(s)
	if bareLeiKa.MatchString(s) {
		s = LeiKaPrefix + s
	}
	if !leikaPattern.MatchString(s) {
		return "", errors.New("Die Leistungskennung ist der LeiKa-Schlüssel mit Präfix: urn:de:fim:leika:leistung: und 14 Ziffern, z. B. urn:de:fim:leika:leistung:99010003001006 (oder nur die 14 Ziffern).")
	}
	return s, nil
}

// ServiceInput is a change of an Antragsstrecke's FIT-Connect service.
type ServiceInput struct {
	// Identifier is the LeiKa identifier; empty clears it.
	Identifier string
	// Demo marks a demo value (the demo data set only).
	Demo bool
}

// SetFITConnectService records the FIT-Connect service identifier of an
// Antragsstrecke (the ministry's task): FIT-Connect destinations list
// their services by it, and the platform announces every submission of
// the Antragsstrecke under it.
func (s *Store) SetFITConnectService(ctx context.Context, key string, in ServiceInput) (*Antragsstrecke, error) {
	id := strings.TrimSpace(in.Identifier)
	if id != "" {
		var err error
		if id, err = CheckFITConnectService(id); err != nil {
			return nil, fault.Field("fitConnectService", "%s", err.Error())
		}
	}
	var out *Antragsstrecke
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var r streamRow
		if err := tx.NewSelect().Model(&r).Where("key = ?", key).Scan(ctx); err != nil {
			return fault.NotFound(err, "Antragsstrecke")
		}
		before := r.Service
		r.Service, r.ServiceDemo = id, id != "" && in.Demo
		if _, err := tx.NewUpdate().Model(&r).Column("fitconnect_service", "fitconnect_service_demo").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("update FIT-Connect service of %s: %w", key, err)
		}
		out = &Antragsstrecke{Key: r.Key, OZGID: r.OZGID, Label: r.Label, LegalBasis: r.LegalBasis, FITConnectService: r.Service,
			FITConnectServiceDemo: r.ServiceDemo}
		return audit(ctx, tx, "", "update", ObjCatalog, key, map[string]any{"fitConnectService": map[string]any{"before": before, "after": id},
			"demo": r.ServiceDemo})
	})
	return out, err
}

// AntragsstreckeByKey returns one Antragsstrecke of the catalogue.
func (s *Store) AntragsstreckeByKey(ctx context.Context, key string) (*Antragsstrecke, error) {
	idx, err := s.streamIndex(ctx)
	if err != nil {
		return nil, err
	}
	a, ok := idx[key]
	if !ok {
		return nil, fault.NotFound(sql.ErrNoRows, "Antragsstrecke")
	}
	return &a, nil
}

// DemoFITConnectServices are the FIT-Connect service identifiers of the
// demo data set. They are NOT real LeiKa keys: no citable source for the
// LeiKa keys of these services was at hand, so the demo uses keys that
// start with eight zeros followed by the OZG-ID and a running number –
// a form no real LeiKa key has (real keys start with the Bund's 99 or a
// state's prefix). They are stored with the demo mark, shown as "Demowert"
// in the console and must be replaced by the ministry with the keys from
// the Leistungskatalog before a real destination is connected.
var DemoFITConnectServices = map[string]string{
	"grusi":   LeiKaPrefix + "00000000100841",
	"hzl":     LeiKaPrefix + "00000000100861",
	"eb-hzl":  LeiKaPrefix + "00000000100862",
	"mrh":     LeiKaPrefix + "00000000100901",
	"but":     LeiKaPrefix + "00000000100881",
	"asylblg": LeiKaPrefix + "00000000106061",
}

// loadDemoFITConnectServices gives the Antragsstrecken without a service
// identifier the demo values (marked as such).
func (s *Store) loadDemoFITConnectServices(ctx context.Context) error {
	idx, err := s.streamIndex(ctx)
	if err != nil {
		return err
	}
	for key, id := range DemoFITConnectServices {
		a, ok := idx[key]
		if !ok || a.FITConnectService != "" {
			continue
		}
		if _, err := s.SetFITConnectService(ctx, key, ServiceInput{Identifier: id, Demo: true}); err != nil {
			return fmt.Errorf("demo FIT-Connect service of %s: %w", key, err)
		}
	}
	return nil
}
