package tenant

import "strings"

// DefaultDVDVKennung is the DVDV Behördenkennung a tenant reads under
// until its onboarding case records the one the DVDV maintainer assigned
// (onboarding.Store.Destination): "sop:" and the official key filled
// with zeros to twelve digits (Landkreis Harz 15085 → sop:150850000000;
// without a key sop:000000000000).
func (t *Tenant) DefaultDVDVKennung() string {
	key := t.Key()
	if key == "" {
		key = "0"
	}
	if n := len(key); n < 12 {
		key += strings.Repeat("0", 12-n)
	}
	return "sop:" + key
}
