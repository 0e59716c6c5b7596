package www

import (
	"strings"
	"testing"
)

// TestGermanAddressesIsolated: in right-to-left pages German names and
// addresses are isolated (<bdi>), so that "38820 Halberstadt" does not
// turn into "Halberstadt 38820"; they are marked German (WCAG 3.1.2).
func TestGermanAddressesIsolated(t *testing.T) {
	t.Parallel()
	e := a11yEnv(t)
	b := e.browser(t)
	for _, path := range []string{"/landkreis-harz/?lang=ar", "/landkreis-harz/impressum?lang=ar", "/landkreis-harz/leistungen/hzl/beantragen?lang=ar"} {
		r := b.get(path)
		if r.status != 200 {
			t.Fatalf("%s: %d", path, r.status)
		}
		if !strings.Contains(r.body, `<bdi lang="de">38820 Halberstadt</bdi>`) && !strings.Contains(r.body, `<bdi lang="de">Friedrich-Ebert-Straße 42, 38820 Halberstadt</bdi>`) {
			t.Errorf("%s: address not isolated", path)
		}
		if strings.Contains(r.body, "38820 Halberstadt") && strings.Count(r.body, "38820 Halberstadt") != strings.Count(r.body, "38820 Halberstadt</bdi>") {
			t.Errorf("%s: an address outside <bdi>", path)
		}
	}
}
