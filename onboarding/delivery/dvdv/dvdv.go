// Package dvdv is the platform's copy of the DVDV routing entries the
// OSCI/XTA2 variant needs: a Behördenkennung "präfix:schlüssel" leads to
// the intermediary's XTA 2 endpoint and its certificate, which the sender
// trusts for that connection. The ministry maintains the entries (console
// and API); every change is audited.
package dvdv

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	"sozialplattform/tenant/clock"
	"sozialplattform/tenant/keyset"
)

// ObjEntry is the access-control object of the directory.
const ObjEntry = "dvdv-entry"

// DirectoryEntry is one routing entry.
type DirectoryEntry struct {
	bun.BaseModel  `bun:"table:dvdv_entries" json:"-"`
	Kennung        string     `bun:"kennung,pk" json:"kennung" doc:"DVDV-Behördenkennung präfix:schlüssel"`
	Name           string     `bun:"name" json:"name" doc:"Name der Behörde"`
	Endpoint       string     `bun:"endpoint" json:"endpoint" doc:"XTA2-Adresse des Intermediärs (https)"`
	Certificate    string     `bun:"certificate" json:"certificate" doc:"Zertifikat des Intermediärs (PEM)"`
	CertSubject    string     `bun:"cert_subject" json:"certSubject"`
	CertNotAfter   *time.Time `bun:"cert_not_after" json:"certNotAfter,omitempty"`
	CertThumbprint string     `bun:"cert_thumbprint" json:"certThumbprint" doc:"SHA-256 des Zertifikats"`
	Active         bool       `bun:"active" json:"active"`
	Version        int        `bun:"version" json:"version"`
	CreatedAt      time.Time  `bun:"created_at" json:"createdAt"`
	UpdatedAt      time.Time  `bun:"updated_at" json:"updatedAt"`
}

// Cert parses the entry's certificate.
func (e *DirectoryEntry) Cert() (*x509.Certificate, error) {
	block, _ := pem.Decode([]byte(e.Certificate))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("DVDV entry %s: no PEM certificate", e.Kennung)
	}
	return x509.ParseCertificate(block.Bytes)
}

// Input is what the ministry enters.
type Input struct {
	Name        string
	Endpoint    string
	Certificate string
	Active      bool
}

// Directory reads and changes the entries. It is safe for concurrent use.
type Directory struct {
	db  *migrations.DB
	now func() time.Time
}

// New returns the directory on db.
func New(db *migrations.DB, now func() time.Time) *Directory {
	if now == nil {
		now = time.Now
	}
	return &Directory{db: db, now: now}
}

// ErrNotFound answers a Behördenkennung without entry; it wraps
// tenant.ErrNotFound.
var ErrNotFound = fmt.Errorf("kein DVDV-Eintrag: %w", tenant.ErrNotFound)

// Lookup returns the entry of a Behördenkennung.
func (d *Directory) Lookup(ctx context.Context, kennung string) (*DirectoryEntry, error) {
	var e DirectoryEntry
	err := d.db.Read.NewSelect().Model(&e).Where("kennung = ?", strings.TrimSpace(kennung)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: %w", kennung, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("DVDV lookup %s: %w", kennung, err)
	}
	return &e, nil
}

// List returns every entry ordered by Behördenkennung.
func (d *Directory) List(ctx context.Context) ([]DirectoryEntry, error) {
	out := []DirectoryEntry{}
	if err := d.db.Read.NewSelect().Model(&out).OrderExpr("kennung").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list DVDV entries: %w", err)
	}
	return out, nil
}

func (d *Directory) validate(kennung string, in *Input) (info certInfo, errs tenant.FieldErrors) {
	in.Name, in.Endpoint, in.Certificate = strings.TrimSpace(in.Name), strings.TrimSpace(in.Endpoint), strings.TrimSpace(in.Certificate)
	if err := onboarding.CheckDVDVKennung(kennung); err != nil {
		errs.Add("kennung", "%s", err.Error())
	}
	if in.Name == "" || len(in.Name) > 200 {
		errs.Add("name", "Bitte geben Sie den Namen der Behörde an (höchstens 200 Zeichen).")
	}
	if err := onboarding.CheckEndpointURL(in.Endpoint); err != nil {
		errs.Add("endpoint", "%s", err.Error())
	}
	info, err := parseCert(in.Certificate, d.now())
	if err != nil {
		errs.Add("certificate", "%s", err.Error())
	}
	return info, errs
}

type certInfo struct {
	subject, thumbprint string
	notAfter            time.Time
}

func parseCert(text string, now time.Time) (certInfo, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil || block.Type != "CERTIFICATE" {
		return certInfo{}, errors.New("Bitte fügen Sie das Zertifikat des Intermediärs im PEM-Format ein (-----BEGIN CERTIFICATE-----).")
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return certInfo{}, errors.New("Das Zertifikat lässt sich nicht lesen (kein gültiges X.509-Zertifikat).")
	}
	if now.After(c.NotAfter) {
		return certInfo{}, fmt.Errorf("Das Zertifikat ist am %s abgelaufen.", c.NotAfter.UTC().Format("02.01.2006"))
	}
	sum := sha256.Sum256(c.Raw)
	return certInfo{subject: c.Subject.String(), thumbprint: hex.EncodeToString(sum[:]), notAfter: c.NotAfter.UTC()}, nil
}

// Put creates (version 0) or changes (the stored version) an entry and
// audits it in the name of auditTenantID (the ministry's tenant).
func (d *Directory) Put(ctx context.Context, auditTenantID, kennung string, version int, in Input) (*DirectoryEntry, error) {
	kennung = strings.TrimSpace(kennung)
	info, errs := d.validate(kennung, &in)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	now := clock.Stamp(d.now())
	var out *DirectoryEntry
	err := d.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var cur DirectoryEntry
		err := tx.NewSelect().Model(&cur).Where("kennung = ?", kennung).Scan(ctx)
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("DVDV entry %s: %w", kennung, err)
		}
		switch {
		case exists && version == 0:
			return fmt.Errorf("DVDV-Eintrag %s: %w", kennung, tenant.ErrConflict)
		case !exists && version != 0:
			return fmt.Errorf("%s: %w", kennung, ErrNotFound)
		case exists && cur.Version != version:
			return fmt.Errorf("DVDV entry %s: %w", kennung, tenant.ErrStaleVersion)
		}
		na := info.notAfter
		e := &DirectoryEntry{Kennung: kennung, Name: in.Name, Endpoint: in.Endpoint, Certificate: in.Certificate, CertSubject: info.subject,
			CertNotAfter: &na, CertThumbprint: info.thumbprint, Active: in.Active, Version: 1, CreatedAt: now, UpdatedAt: now}
		action := "create"
		if exists {
			action = "update"
			e.Version, e.CreatedAt = cur.Version+1, cur.CreatedAt
			if _, err := tx.NewUpdate().Model(e).WherePK().Where("version = ?", cur.Version).Exec(ctx); err != nil {
				return fmt.Errorf("update DVDV entry %s: %w", kennung, err)
			}
		} else if _, err := tx.NewInsert().Model(e).Exec(ctx); err != nil {
			return fmt.Errorf("create DVDV entry %s: %w", kennung, err)
		}
		out = e
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: auditTenantID, Action: action, ObjectType: ObjEntry, ObjectID: kennung,
			Summary: map[string]any{"name": e.Name, "endpoint": e.Endpoint, "certThumbprint": e.CertThumbprint, "active": e.Active}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Delete removes an entry of the given version (0 skips the check).
func (d *Directory) Delete(ctx context.Context, auditTenantID, kennung string, version int) error {
	return d.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewDelete().Model((*DirectoryEntry)(nil)).Where("kennung = ?", kennung)
		if version != 0 {
			q = q.Where("version = ?", version)
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return fmt.Errorf("delete DVDV entry %s: %w", kennung, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			if version != 0 {
				if _, err := d.Lookup(ctx, kennung); err == nil {
					return fmt.Errorf("DVDV entry %s: %w", kennung, tenant.ErrStaleVersion)
				}
			}
			return fmt.Errorf("%s: %w", kennung, ErrNotFound)
		}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: auditTenantID, Action: "delete", ObjectType: ObjEntry, ObjectID: kennung})
	})
}

// KennungKey is an entry's position in ListPage.
type KennungKey struct {
	Kennung string `json:"k"`
}

// PageKey is e's position in ListPage.
func (e DirectoryEntry) PageKey() KennungKey { return KennungKey{Kennung: e.Kennung} }

// ListPage returns one page of the entries ordered by Behördenkennung,
// plus one when another page follows.
func (d *Directory) ListPage(ctx context.Context, p keyset.Page[KennungKey]) ([]DirectoryEntry, error) {
	out := []DirectoryEntry{}
	var after []any
	if p.After != nil {
		after = []any{p.After.Kennung}
	}
	q := d.db.Read.NewSelect().Model(&out)
	if err := (keyset.Order{{Expr: "kennung"}}).Apply(q, p.Size(), after...).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list DVDV entries: %w", err)
	}
	return out, nil
}
