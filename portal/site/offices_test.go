package site

import (
	"context"
	"errors"
	"slices"
	"testing"

	"sozialplattform/tenant"
)

// TestOfficeNeedsAddressPhoneAndHours: the portal sends citizens to these
// offices, so each must say where it is, how to call it and when it is
// open; e-mail and website stay optional.
func TestOfficeNeedsAddressPhoneAndHours(t *testing.T) {
	s, ts := fixture(t)
	ctx := context.Background()
	harz := tenantID(t, ts, "landkreis-harz")
	complete := func() Office {
		return Office{TenantID: harz, Rechtskreis: "wogg", Name: "Wohngeldstelle des Landkreises Harz", Street: "Friedrich-Ebert-Straße 42",
			PostalCode: "38820", City: "Halberstadt", Phone: "03941 5970-0", Hours: "Di 9–12 Uhr"}
	}
	for _, tt := range []struct {
		name  string
		edit  func(*Office)
		field string // "" when the office is accepted
	}{
		{"complete, without e-mail and website", func(*Office) {}, ""},
		{"without street", func(o *Office) { o.Street = " " }, "street"},
		{"without postcode", func(o *Office) { o.PostalCode = "" }, "postalCode"},
		{"four-digit postcode", func(o *Office) { o.PostalCode = "3882" }, "postalCode"},
		{"without city", func(o *Office) { o.City = "" }, "city"},
		{"without phone", func(o *Office) { o.Phone = "" }, "phone"},
		{"phone that is no number", func(o *Office) { o.Phone = "ruf an" }, "phone"},
		{"without opening hours", func(o *Office) { o.Hours = "" }, "hours"},
		{"website without https", func(o *Office) { o.Website = "http://www.kreis-hz.de" }, "website"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := complete()
			tt.edit(&o)
			err := s.SaveOffice(ctx, &o)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var fe tenant.FieldErrors
			if !errors.As(err, &fe) || !slices.ContainsFunc(fe, func(e tenant.FieldError) bool { return e.Field == tt.field }) {
				t.Fatalf("want an error on %s, got %v", tt.field, err)
			}
		})
	}
}

// TestDemoOffices: the demo names the Kreis offices of Harz and Wittenberg
// and the Land's Familienkasse, and links the official online services;
// loading it twice changes nothing.
func TestDemoOffices(t *testing.T) {
	s, ts := fixture(t)
	ctx := context.Background()
	for range 2 {
		if err := s.LoadDemo(ctx, ts); err != nil {
			t.Fatal(err)
		}
	}
	rks := func(slug string) []string {
		list, err := s.Offices(ctx, tenantID(t, ts, slug))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range list {
			if o.Street == "" || o.Phone == "" || o.Hours == "" {
				t.Errorf("%s: office %s lacks address, phone or hours", slug, o.Name)
			}
			out = append(out, o.Rechtskreis)
		}
		return out
	}
	if got := rks("landkreis-harz"); !slices.Equal(got, []string{"sgb2", "sgb12", "asylblg", "wogg"}) {
		t.Errorf("Harz offices = %v", got)
	}
	if got := rks("landkreis-wittenberg"); !slices.Equal(got, []string{"sgb2", "sgb12", "wogg"}) {
		t.Errorf("Wittenberg offices = %v", got)
	}
	if got := rks("sachsen-anhalt"); !slices.Equal(got, []string{"sgb14", "bkgg"}) {
		t.Errorf("Land offices = %v", got)
	}
	links, err := s.Links(ctx, tenantID(t, ts, "sachsen-anhalt"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"buergergeld": "https://www.jobcenter.digital/",
		"kindergeld":     "https://www.arbeitsagentur.de/familie-und-kinder/kindergeld-beantragen",
		"kinderzuschlag": "https://www.arbeitsagentur.de/familie-und-kinder/kinderzuschlag"}
	if len(links) != len(want) {
		t.Fatalf("Land links = %+v", links)
	}
	for _, l := range links {
		if want[l.Service] != l.URL {
			t.Errorf("link for %s = %s, want %s", l.Service, l.URL, want[l.Service])
		}
	}
}
