package i18n

// pluralCategory is the CLDR plural category of a whole number n in a
// language (https://www.unicode.org/cldr/charts/latest/supplemental/language_plural_rules.html).
// Only whole numbers are counted on the platform, so the rules for
// fractions are left out.
func pluralCategory(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	switch lang {
	case "ar":
		switch m := n % 100; {
		case n == 0:
			return "zero"
		case n == 1:
			return "one"
		case n == 2:
			return "two"
		case m >= 3 && m <= 10:
			return "few"
		case m >= 11 && m <= 99:
			return "many"
		}
		return "other"
	case "uk", "ru":
		m10, m100 := n%10, n%100
		switch {
		case m10 == 1 && m100 != 11:
			return "one"
		case m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14):
			return "few"
		}
		return "many"
	default: // de, en, tr
		if n == 1 {
			return "one"
		}
		return "other"
	}
}

// pluralSuffixes are the key suffixes of a plural's forms.
var pluralSuffixes = []string{".zero", ".one", ".two", ".few", ".many", ".other"}
