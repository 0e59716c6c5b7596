package tenant

import (
	"errors"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// CheckIdentifier rejects identifiers that would be ambiguous inside an
// access-control rule: "::" separates parts there, and control characters
// have no place in a name.
func CheckIdentifier(s string) error {
	if strings.Contains(s, "::") {
		return errors.New(`"::" ist in Kennungen nicht erlaubt`)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return errors.New("Steuerzeichen sind in Kennungen nicht erlaubt")
		}
	}
	return nil
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "ae", "Ö", "oe", "Ü", "ue")

// Slugify turns a tenant's name into its URL name:
// "Landkreis Harz" → "landkreis-harz", "Halle (Saale)" → "halle-saale".
func Slugify(name string) string {
	s := umlauts.Replace(name)
	s = norm.NFD.String(s)
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case unicode.Is(unicode.Mn, r):
			// drop combining accents left by NFD
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
