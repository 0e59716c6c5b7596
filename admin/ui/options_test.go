package ui

import (
	"slices"
	"testing"

	"sozialplattform/tenant"
)

// TestOptions specifies the select options of a closed list: the value
// itself, its label as text, in the order given; no values, no options.
func TestOptions(t *testing.T) {
	for _, c := range []struct {
		name  string
		roles []tenant.Role
		want  []Option
	}{
		{"none", nil, []Option{}},
		{"in the order given", []tenant.Role{tenant.RoleMunicipalityClerk, tenant.RoleMunicipalityAdmin}, []Option{
			{Value: string(tenant.RoleMunicipalityClerk), Label: "Kommune: Sachbearbeitung"},
			{Value: string(tenant.RoleMunicipalityAdmin), Label: "Kommune: Administration"},
		}},
	} {
		if got := Options(c.roles); !slices.Equal(got, c.want) {
			t.Errorf("%s: Options = %v, want %v", c.name, got, c.want)
		}
	}
}
