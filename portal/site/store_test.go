package site

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
	"sozialplattform/tenant/passwordtest"
)

// fixture is a migrated database with the demo tenants.
func fixture(t *testing.T) (*Store, *tenant.Store) {
	t.Helper()
	db := testdb.New(t)
	ts := tenant.NewStore(db, nil, tenant.Options{Passwords: passwordtest.Hasher()})
	if _, err := ts.LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return NewStore(db), ts
}

func tenantID(t *testing.T, ts *tenant.Store, slug string) string {
	t.Helper()
	tt, err := ts.ResolveTenant(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return tt.ID
}

func fieldOf(err error) string {
	var fe tenant.FieldErrors
	if errors.As(err, &fe) && len(fe) > 0 {
		return fe[0].Field
	}
	return ""
}

func TestSettings(t *testing.T) {
	t.Parallel()
	s, ts := fixture(t)
	ctx := context.Background()
	harz := tenantID(t, ts, "landkreis-harz")
	got, err := s.Settings(ctx, harz)
	if err != nil || got.Version != 0 {
		t.Fatalf("fresh settings = %+v, %v", got, err)
	}
	in := SettingsInput{PrimaryColor: "#00456E", Phone: "+49 3941 5970-0", Email: "info@kreis-hz.example", Website: "https://www.kreis-hz.de",
		Hours: "Mo–Fr 8–12 Uhr", Representative: "Landrat", PrivacyContact: "datenschutz@kreis-hz.example"}
	if err := s.SaveSettings(ctx, harz, in, 0); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Settings(ctx, harz)
	if got.PrimaryColor != "#00456e" || got.Version != 1 || got.Phone != in.Phone {
		t.Fatalf("saved settings = %+v", got)
	}
	if err := s.SaveSettings(ctx, harz, in, 0); !errors.Is(err, tenant.ErrStaleVersion) {
		t.Errorf("stale save = %v", err)
	}
	in.Hours = "Di 9–18 Uhr"
	if err := s.SaveSettings(ctx, harz, in, 1); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		in    SettingsInput
		field string
	}{
		{SettingsInput{PrimaryColor: "#ffcc00"}, "primaryColor"}, // too light on white
		{SettingsInput{PrimaryColor: "blue"}, "primaryColor"},
		{SettingsInput{Email: "keine"}, "email"},
		{SettingsInput{Website: "http://x.example"}, "website"},
		{SettingsInput{Website: "javascript:alert(1)"}, "website"},
		{SettingsInput{Phone: "call me"}, "phone"},
		{SettingsInput{Hours: strings.Repeat("x", MaxLongText+1)}, "hours"},
		{SettingsInput{Representative: "a\x00b"}, "representative"},
	} {
		if err := s.SaveSettings(ctx, harz, tt.in, 2); fieldOf(err) != tt.field {
			t.Errorf("SaveSettings(%+v) = %v, want an error on %s", tt.in, err, tt.field)
		}
	}
}

func TestContrast(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		color string
		min   float64
		max   float64
	}{{"#000000", 20.9, 21.1}, {"#ffffff", 0.99, 1.01}, {"#00456e", 9, 11}, {"#767676", 4.5, 4.6}, {"#777777", 4.4, 4.49}} {
		if c := ContrastWithWhite(tt.color); c < tt.min || c > tt.max {
			t.Errorf("contrast %s = %.2f, want %v–%v", tt.color, c, tt.min, tt.max)
		}
	}
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{0, 69, 110, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLogo(t *testing.T) {
	t.Parallel()
	s, ts := fixture(t)
	ctx := context.Background()
	harz := tenantID(t, ts, "landkreis-harz")
	if _, _, err := s.Logo(ctx, harz); !errors.Is(err, tenant.ErrNotFound) {
		t.Fatalf("no logo yet: %v", err)
	}
	for name, data := range map[string][]byte{
		"svg":       []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
		"html":      []byte("<html><script>alert(1)</script></html>"),
		"empty":     nil,
		"too large": pngBytes(t, 2001, 10),
		"truncated": pngBytes(t, 10, 10)[:30],
	} {
		if err := s.SetLogo(ctx, harz, data); fieldOf(err) != "logo" {
			t.Errorf("%s accepted as logo: %v", name, err)
		}
	}
	if err := s.SetLogo(ctx, harz, pngBytes(t, 120, 40)); err != nil {
		t.Fatal(err)
	}
	data, hash, err := s.Logo(ctx, harz)
	if err != nil || hash == "" || !bytes.HasPrefix(data, []byte("\x89PNG")) {
		t.Fatalf("logo = %d bytes, %q, %v", len(data), hash, err)
	}
	set, _ := s.Settings(ctx, harz)
	if set.LogoHash != hash {
		t.Errorf("settings hash %q, logo hash %q", set.LogoHash, hash)
	}
	if err := s.RemoveLogo(ctx, harz); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Logo(ctx, harz); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("after removal: %v", err)
	}
}

func TestOfficesAreScopedToTheirTenant(t *testing.T) {
	t.Parallel()
	s, ts := fixture(t)
	ctx := context.Background()
	harz, wb := tenantID(t, ts, "landkreis-harz"), tenantID(t, ts, "landkreis-wittenberg")
	jc := &Office{TenantID: harz, Rechtskreis: "sgb2", Name: "Jobcenter Landkreis Harz", Street: "Friedrich-Ebert-Straße 42", PostalCode: "38820",
		City: "Halberstadt", Phone: "03941 5970-0", Hours: "Di 9–12 Uhr", Email: "jobcenter@harz.example"}
	sa := &Office{TenantID: harz, Rechtskreis: "sgb12", Name: "Sozialamt", Street: "Friedrich-Ebert-Straße 42", PostalCode: "38820",
		City: "Halberstadt", Phone: "03941 5970-0", Hours: "Di 9–12 Uhr"}
	for _, o := range []*Office{sa, jc} {
		if err := s.SaveOffice(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.Offices(ctx, harz)
	if err != nil || len(list) != 2 || list[0].Rechtskreis != "sgb2" {
		t.Fatalf("offices = %+v, %v", list, err)
	}
	// Another tenant can neither change nor delete it.
	other := *jc
	other.TenantID = wb
	if err := s.SaveOffice(ctx, &other); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("update through another tenant = %v", err)
	}
	if err := s.DeleteOffice(ctx, wb, jc.ID); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("delete through another tenant = %v", err)
	}
	if err := s.SaveOffice(ctx, &Office{TenantID: harz, Rechtskreis: "sgb99", Name: "x"}); fieldOf(err) != "rechtskreis" {
		t.Errorf("unknown Rechtskreis accepted: %v", err)
	}
	if err := s.DeleteOffice(ctx, harz, jc.ID); err != nil {
		t.Fatal(err)
	}
}

func TestLinks(t *testing.T) {
	t.Parallel()
	s, ts := fixture(t)
	ctx := context.Background()
	land, harz, wb := tenantID(t, ts, "sachsen-anhalt"), tenantID(t, ts, "landkreis-harz"), tenantID(t, ts, "landkreis-wittenberg")
	ba := &Link{TenantID: land, Service: "buergergeld", Title: "Bürgergeld online beantragen", URL: "https://www.arbeitsagentur.de/arbeitslos-arbeit-finden/buergergeld"}
	own := &Link{TenantID: harz, Service: "buergergeld", Title: "Jobcenter Harz: Termin", URL: "https://jobcenter.harz.example/termin"}
	elsewhere := &Link{TenantID: wb, Service: "buergergeld", Title: "Wittenberg", URL: "https://wb.example"}
	for _, l := range []*Link{ba, own, elsewhere} {
		if err := s.AddLink(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.LinksFor(ctx, []string{harz, land}, "buergergeld")
	if err != nil || len(got) != 2 || got[0].ID != own.ID || got[1].ID != ba.ID {
		t.Fatalf("links for Harz = %+v, %v", got, err)
	}
	if got, _ := s.LinksFor(ctx, []string{harz, land}, "wohngeld"); len(got) != 0 {
		t.Errorf("wohngeld links = %+v", got)
	}
	for _, bad := range []Link{
		{TenantID: harz, Service: "nope", Title: "x", URL: "https://x.example"},
		{TenantID: harz, Service: "wohngeld", Title: "", URL: "https://x.example"},
		{TenantID: harz, Service: "wohngeld", Title: "x", URL: "javascript:alert(1)"},
		{TenantID: harz, Service: "wohngeld", Title: "x", URL: "https://user:pw@x.example"},
		{TenantID: harz, Service: "wohngeld", Title: "x", URL: "http://x.example"},
	} {
		if err := s.AddLink(ctx, &bad); fieldOf(err) == "" {
			t.Errorf("AddLink(%+v) accepted: %v", bad, err)
		}
	}
	if err := s.DeleteLink(ctx, harz, ba.ID); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("Harz deleted the Land's link: %v", err)
	}
	if err := s.DeleteLink(ctx, land, ba.ID); err != nil {
		t.Fatal(err)
	}
}

func TestSignVideos(t *testing.T) {
	t.Parallel()
	s, ts := fixture(t)
	ctx := context.Background()
	land := tenantID(t, ts, "sachsen-anhalt")
	v := &SignVideo{TenantID: land, Title: "Die Sozialplattform in DGS", URL: "https://video.example/dgs.mp4"}
	if err := s.AddSignVideo(ctx, v); err != nil {
		t.Fatal(err)
	}
	list, err := s.SignVideos(ctx, land)
	if err != nil || len(list) != 1 {
		t.Fatalf("videos = %v, %v", list, err)
	}
	if err := s.AddSignVideo(ctx, &SignVideo{TenantID: land, Title: "x", URL: "ftp://x"}); fieldOf(err) != "url" {
		t.Errorf("ftp URL accepted: %v", err)
	}
	if err := s.DeleteSignVideo(ctx, land, v.ID); err != nil {
		t.Fatal(err)
	}
}

func TestServicesCatalogue(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, s := range Services {
		if seen[s.Key] || s.Name == "" || RechtskreisLabel(s.Rechtskreis) == s.Rechtskreis {
			t.Errorf("service %+v", s)
		}
		seen[s.Key] = true
	}
	if len(Services) != 11 {
		t.Errorf("%d services, want 11", len(Services))
	}
}
