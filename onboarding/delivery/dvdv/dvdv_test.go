package dvdv_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"sozialplattform/migrations/testdb"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/onboarding/delivery/pki"
	"sozialplattform/tenant"
)

func cert(t *testing.T, notAfter time.Time) string {
	t.Helper()
	ca, err := pki.NewCA("Intermediär", time.Now().Add(-48*time.Hour), time.Until(notAfter)+48*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ca.TLSCertificate(pki.Spec{CommonName: "xta.example", NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: notAfter, Server: true})
	if err != nil {
		t.Fatal(err)
	}
	return string(pki.CertPEM(c.Leaf))
}

func TestDirectory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	d := dvdv.New(db, nil)
	good := dvdv.Input{Name: "Landkreis Harz", Endpoint: "https://xta.example/ws", Certificate: cert(t, time.Now().Add(24*time.Hour)), Active: true}

	for name, tc := range map[string]struct {
		kennung string
		in      dvdv.Input
		field   string
	}{
		"Kennung ohne Präfix": {"150850000100", good, "kennung"},
		"http statt https":    {"sop:150850000100", dvdv.Input{Name: "x", Endpoint: "http://xta.example", Certificate: good.Certificate}, "endpoint"},
		"kein Zertifikat":     {"sop:150850000100", dvdv.Input{Name: "x", Endpoint: good.Endpoint, Certificate: "kein pem"}, "certificate"},
		"abgelaufenes":        {"sop:150850000100", dvdv.Input{Name: "x", Endpoint: good.Endpoint, Certificate: cert(t, time.Now().Add(-time.Hour))}, "certificate"},
		"Name fehlt":          {"sop:150850000100", dvdv.Input{Endpoint: good.Endpoint, Certificate: good.Certificate}, "name"},
	} {
		_, err := d.Put(ctx, "", tc.kennung, 0, tc.in)
		var fe tenant.FieldErrors
		if !errors.As(err, &fe) || fe.For(tc.field) == "" {
			t.Errorf("%s: got %v, want an error on %s", name, err, tc.field)
		}
	}
	e, err := d.Put(ctx, "", "sop:150850000100", 0, good)
	if err != nil || e.Version != 1 || e.CertThumbprint == "" || e.CertNotAfter == nil {
		t.Fatalf("create: %+v, %v", e, err)
	}
	if _, err := d.Put(ctx, "", "sop:150850000100", 0, good); !errors.Is(err, tenant.ErrConflict) {
		t.Fatalf("second create: %v", err)
	}
	good.Name = "Landkreis Harz, Sozialamt"
	if _, err := d.Put(ctx, "", "sop:150850000100", 7, good); !errors.Is(err, tenant.ErrStaleVersion) {
		t.Fatalf("stale update: %v", err)
	}
	if e, err = d.Put(ctx, "", "sop:150850000100", 1, good); err != nil || e.Version != 2 || e.Name != good.Name {
		t.Fatalf("update: %+v, %v", e, err)
	}
	if got, err := d.Lookup(ctx, "sop:150850000100"); err != nil || got.Name != good.Name {
		t.Fatalf("lookup: %+v, %v", got, err)
	}
	if _, err := d.Lookup(ctx, "sop:000"); !errors.Is(err, dvdv.ErrNotFound) || !errors.Is(err, tenant.ErrNotFound) {
		t.Fatalf("lookup of a missing entry: %v", err)
	}
	if err := d.Delete(ctx, "", "sop:150850000100", 1); !errors.Is(err, tenant.ErrStaleVersion) {
		t.Fatalf("stale delete: %v", err)
	}
	if err := d.Delete(ctx, "", "sop:150850000100", 2); err != nil {
		t.Fatal(err)
	}
	var actions []string
	if err := db.Read.NewRaw("SELECT action FROM audit_log WHERE object_type = ? ORDER BY id", dvdv.ObjEntry).Scan(ctx, &actions); err != nil {
		t.Fatal(err)
	}
	if len(actions) != 3 || actions[0] != "create" || actions[1] != "update" || actions[2] != "delete" {
		t.Fatalf("audited %v", actions)
	}
}
