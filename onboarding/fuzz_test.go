package onboarding

import (
	"strings"
	"testing"
)

// FuzzTransportParameters: the parsers of what a municipality types as its
// transport parameters never panic, and what they accept has the promised
// form.
func FuzzTransportParameters(f *testing.F) {
	for _, s := range []string{"sop:150850000100", "psw:01234567", "sop:", ":x", "a::b", "https://xta.kreis-hz.de/xta2",
		"http://x", "javascript:alert(1)", "7b8f3c1e-2a4d-4f6b-9c0e-1d2e3f405162", "99010003001006", "urn:de:fim:leika:leistung:99010003001006", "{}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if CheckDVDVKennung(s) == nil {
			prefix, key, ok := strings.Cut(s, ":")
			if !ok || prefix == "" || key == "" || strings.Contains(key, ":") {
				t.Fatalf("accepted DVDV key %q is not prefix:key", s)
			}
		}
		if CheckEndpointURL(s) == nil && !strings.HasPrefix(strings.ToLower(s), "https://") {
			t.Fatalf("accepted endpoint %q is not https", s)
		}
		if CheckDestinationID(s) == nil && len(strings.TrimSpace(s)) != 36 {
			t.Fatalf("accepted destination ID %q is not a UUID", s)
		}
		if id, err := CheckFITConnectService(s); err == nil && !strings.HasPrefix(id, LeiKaPrefix) {
			t.Fatalf("accepted service identifier %q is not a LeiKa URN", id)
		}
	})
}
