package tenant

import (
	"fmt"
	"strings"
)

// An official key identifies a public body in the German municipal key
// system: the Land has 2 digits (Sachsen-Anhalt is "15"), a Kreis or
// kreisfreie Stadt 5 (Kreisschlüssel), a Gemeinde 8 (AGS), and a
// Regionalschlüssel (ARS) 12.

// validLandCodes are the 16 Länder: 01 Schleswig-Holstein … 16 Thüringen.
func validLandCode(code string) bool {
	return len(code) == 2 && code >= "01" && code <= "16"
}

// ParseOfficialKey checks that key is a well-formed AGS, Kreisschlüssel,
// Land code or ARS and returns it with surrounding space and inner blanks
// removed ("15 085" → "15085").
func ParseOfficialKey(key string) (string, error) {
	k := strings.Join(strings.Fields(key), "")
	switch len(k) {
	case 2, 5, 8, 12:
	default:
		return "", fmt.Errorf("ein amtlicher Schlüssel hat 2 (Land), 5 (Kreis), 8 (Gemeinde) oder 12 Ziffern (ARS), nicht %d", len(k))
	}
	for _, r := range k {
		if r < '0' || r > '9' {
			return "", fmt.Errorf("ein amtlicher Schlüssel besteht nur aus Ziffern")
		}
	}
	if !validLandCode(k[:2]) {
		return "", fmt.Errorf("%q beginnt nicht mit einem Länderschlüssel (01–16)", k)
	}
	return k, nil
}

// keyLevel returns how many digits a key of the given kind has; 0 means the
// kind takes no fixed length.
func keyLengths(kind Kind) []int {
	switch kind {
	case KindLand:
		return []int{2}
	case KindLandkreis, KindKreisfreieStadt:
		return []int{5}
	case KindGemeinde:
		return []int{8, 12}
	default:
		return []int{2, 5, 8, 12}
	}
}
