package tenant_test

import (
	"testing"

	"sozialplattform/tenant"
)

func TestParseOfficialKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"15", "15", true},
		{"15085", "15085", true},
		{" 15 085 ", "15085", true},
		{"15085370", "15085370", true},
		{"150850000000", "150850000000", true},
		{"", "", false},
		{"1", "", false},
		{"150", "", false},
		{"1508", "", false},
		{"17085", "", false}, // no Land 17
		{"00085", "", false},
		{"15a85", "", false},
		{"1508537012345", "", false},
	}
	for _, tt := range tests {
		got, err := tenant.ParseOfficialKey(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseOfficialKey(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestSlugify(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"Landkreis Harz":             "landkreis-harz",
		"Halle (Saale)":              "halle-saale",
		"Landkreis Börde":            "landkreis-boerde",
		"Stadt Dessau-Roßlau":        "stadt-dessau-rosslau",
		"Landkreis Mansfeld-Südharz": "landkreis-mansfeld-suedharz",
		"  Café  Élan  ":             "cafe-elan",
	}
	for in, want := range tests {
		if got := tenant.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckIdentifierRejectsCasbinSeparator(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"a::b", "::", "x\x00y", "line\nbreak"} {
		if tenant.CheckIdentifier(bad) == nil {
			t.Errorf("CheckIdentifier(%q) accepted", bad)
		}
	}
	if err := tenant.CheckIdentifier("landkreis-harz"); err != nil {
		t.Errorf("CheckIdentifier rejected a plain slug: %v", err)
	}
}

func TestPasswordStrengthMinimum(t *testing.T) {
	t.Parallel()
	for pw, ok := range map[string]bool{"kurz": false, "            ": false, "genau-zwoelf": true} {
		if (tenant.CheckPasswordStrength(pw) == nil) != ok {
			t.Errorf("CheckPasswordStrength(%q) ok=%v", pw, !ok)
		}
	}
}
