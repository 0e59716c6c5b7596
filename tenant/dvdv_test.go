package tenant_test

import (
	"testing"

	"sozialplattform/tenant"
)

func TestDefaultDVDVKennungFillsTheOfficialKeyToTwelveDigits(t *testing.T) {
	t.Parallel()
	key := func(s string) *string { return &s }
	for _, tc := range []struct {
		key  *string
		want string
	}{
		{key("15085"), "sop:150850000000"},            // Landkreis Harz
		{key("15"), "sop:150000000000"},               // the Land
		{key("150855555555"), "sop:150855555555"},     // twelve digits stay
		{key("15085000012345"), "sop:15085000012345"}, // longer keys are not cut
		{nil, "sop:000000000000"},                     // an organisation without a key
	} {
		if got := (&tenant.Tenant{OfficialKey: tc.key}).DefaultDVDVKennung(); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.key, got, tc.want)
		}
	}
}
