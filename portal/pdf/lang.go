package pdf

import "strings"

// docLang is the language of the document: the PDF is written for the
// authority, in German, whatever language the citizen applied in.
const docLang = "de-DE"

// langOf returns the language tag for an answer whose script shows it is
// not German, so that a screen reader switches its voice (/Lang on the
// structure element); "" keeps the document's language. The script is the
// evidence: Arabic script is Arabic (or the citizen's language when that is
// written in Arabic script), Hebrew is Hebrew, Greek is Greek; Cyrillic is
// Ukrainian or Russian by the letters only one of them has, else the
// citizen's language when it is written in Cyrillic, else Russian, whose
// voice reads Ukrainian and Bulgarian text intelligibly where a German one
// spells it letter by letter. Latin text stays German, with one exception:
// ğ and dotless ı occur in Turkish (and Azerbaijani) only.
func langOf(s, hint string) string {
	hint = strings.ToLower(hint)
	if i := strings.IndexAny(hint, "-_"); i >= 0 {
		hint = hint[:i]
	}
	var cyr, uk, ru, turkish bool
	for _, r := range s {
		switch {
		case r < 0x80:
		case r >= 0x0600 && r <= 0x06FF || r >= 0x0750 && r <= 0x077F || r >= 0x08A0 && r <= 0x08FF || r >= 0xFB50 && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFF:
			if hint == "fa" || hint == "ur" || hint == "ps" || hint == "ckb" {
				return hint
			}
			return "ar"
		case r >= 0x0590 && r <= 0x05FF || r >= 0xFB1D && r <= 0xFB4F:
			return "he"
		case r >= 0x0370 && r <= 0x03FF:
			return "el"
		case r >= 0x0400 && r <= 0x04FF:
			cyr = true
			switch r {
			case 'є', 'Є', 'і', 'І', 'ї', 'Ї', 'ґ', 'Ґ':
				uk = true
			case 'ы', 'Ы', 'э', 'Э', 'ъ', 'Ъ', 'ё', 'Ё':
				ru = true
			}
		case r == 'ğ' || r == 'Ğ' || r == 'ı' || r == 'İ':
			turkish = true
		}
	}
	switch {
	case cyr && uk && !ru:
		return "uk"
	case cyr && ru && !uk:
		return "ru"
	case cyr && (hint == "uk" || hint == "ru" || hint == "bg" || hint == "be" || hint == "sr" || hint == "mk"):
		return hint
	case cyr:
		return "ru"
	case turkish && hint == "az":
		return "az"
	case turkish:
		return "tr"
	}
	return ""
}
