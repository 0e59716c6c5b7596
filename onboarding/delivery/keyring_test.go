package delivery_test

import (
	"bytes"
	"strings"
	"testing"

	"sozialplattform/onboarding/delivery"
	"sozialplattform/tenant/envelope"
)

// TestKeyringSealerKeepsTheDeliveryFormat: a payload sealed with the data
// keys opens again, also after a rotation made its key read-only; a
// truncated, foreign or tampered payload is refused, and so is data sealed
// for another use under the same key.
func TestKeyringSealerKeepsTheDeliveryFormat(t *testing.T) {
	t.Parallel()
	oldKey, newKey := envelope.NewKey(), envelope.NewKey()
	before, err := envelope.Parse("alt:" + oldKey)
	if err != nil {
		t.Fatal(err)
	}
	after, err := envelope.Parse("neu:" + newKey + ",alt:" + oldKey)
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte("<nachricht>Antrag auf Hilfe zum Lebensunterhalt</nachricht>")
	sealed, err := delivery.KeyringSealer(before).Seal(payload)
	if err != nil {
		t.Fatal(err)
	}
	if sealed[0] != 1 || int(sealed[1]) != len("alt") || string(sealed[2:5]) != "alt" || bytes.Contains(sealed, payload) {
		t.Fatalf("sealed form: version %d, key ID %q, payload readable: %v", sealed[0], sealed[2:2+int(sealed[1])], bytes.Contains(sealed, payload))
	}
	if got, err := delivery.KeyringSealer(after).Open(sealed); err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("open after rotation: %q, %v", got, err)
	}

	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	appData, err := before.Seal(payload, []byte("application"))
	if err != nil {
		t.Fatal(err)
	}
	foreign := append([]byte{1, byte(len(appData.KeyID))}, appData.KeyID...)
	foreign = append(foreign, 0, byte(len(appData.DEK)))
	foreign = append(append(foreign, appData.DEK...), appData.Data...)
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "unknown seal format"},
		{"other version", append([]byte{2}, sealed[1:]...), "unknown seal format"},
		{"cut in the key ID", sealed[:4], "truncated"},
		{"cut in the wrapped key", sealed[:8], "truncated"},
		{"tampered ciphertext", tampered, "open delivery payload"},
		{"sealed for another use", foreign, "open delivery payload"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := delivery.KeyringSealer(after).Open(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open = %v, want an error with %q", err, tc.want)
			}
		})
	}
}
