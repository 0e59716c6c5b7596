package forms

import (
	"errors"
	"math/big"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ParseMoney reads an amount in euros as cents. German input uses the
// comma for decimals and the dot for thousands ("1.234,56"); English the
// other way round; an unambiguous input is read in either.
func ParseMoney(s, lang string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer("€", "", "EUR", "", "Euro", "", " ", "", "\u00a0", "", "'", "").Replace(s)
	if s == "" {
		return 0, errors.New("empty")
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") {
		return 0, errNegative
	}
	s = strings.TrimPrefix(s, "+")
	dec, thou := ",", "."
	if lang == "en" {
		dec, thou = ".", ","
	}
	if !strings.Contains(s, dec) && strings.Count(s, thou) == 1 {
		// "12.50" in German or "12,50" in English: a decimal with one or
		// two digits is unambiguous.
		if i := strings.LastIndex(s, thou); len(s)-i-1 <= 2 {
			dec, thou = thou, dec
		}
	}
	s = strings.ReplaceAll(s, thou, "")
	whole, frac, hasFrac := strings.Cut(s, dec)
	if whole == "" {
		whole = "0"
	}
	if !allDigits(whole) || (hasFrac && (len(frac) == 0 || len(frac) > 2 || !allDigits(frac))) || len(whole) > 12 {
		return 0, errors.New("malformed")
	}
	for len(frac) < 2 {
		frac += "0"
	}
	cents, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, err
	}
	return cents, nil
}

var errNegative = errors.New("negative")

// FormatMoney writes cents in the language's style: "1.234,56 €" or
// "€1,234.56".
func FormatMoney(cents int64, lang string) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	whole := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	sep, dec := ".", ","
	if lang == "en" {
		sep, dec = ",", "."
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	out := b.String() + dec + strconv.FormatInt(cents%100+100, 10)[1:]
	if neg {
		out = "-" + out
	}
	if lang == "en" {
		return "€" + out
	}
	return out + " €"
}

// formatAmount writes cents for an input field (no currency sign).
func formatAmount(cents int64, lang string) string {
	s := FormatMoney(cents, lang)
	return strings.TrimSpace(strings.Trim(s, "€ "))
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ParseDate reads "2006-01-02" (the date input) or "02.01.2006".
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02.01.2006", "2.1.2006", "02/01/2006"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1800 && t.Year() <= 2200 {
			return t, nil
		}
	}
	return time.Time{}, errors.New("malformed date")
}

// ibanLengths are the IBAN lengths of the countries citizens bank with
// most; other countries are checked by the general rules.
var ibanLengths = map[string]int{
	"DE": 22, "AT": 20, "CH": 21, "NL": 18, "BE": 16, "LU": 20, "FR": 27, "IT": 27, "ES": 24, "PL": 28, "CZ": 24,
	"DK": 18, "SE": 24, "GB": 22, "IE": 22, "PT": 25, "GR": 27, "RO": 24, "BG": 22, "HR": 21, "HU": 28, "TR": 26, "UA": 29,
	"LT": 20, "LV": 21, "EE": 20, "FI": 18, "SK": 24, "SI": 19, "NO": 15,
}

// NormalizeIBAN removes blanks and checks an IBAN with ISO 13616: country
// code, length, and the mod-97 check digits. It returns the IBAN in
// capitals without blanks.
func NormalizeIBAN(s string) (string, error) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	s = strings.ReplaceAll(s, "-", "")
	if len(s) < 15 || len(s) > 34 {
		return "", errIBANFormat
	}
	for i, r := range s {
		switch {
		case i < 2 && (r < 'A' || r > 'Z'):
			return "", errIBANFormat
		case i >= 2 && i < 4 && (r < '0' || r > '9'):
			return "", errIBANFormat
		case !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z'):
			return "", errIBANFormat
		}
	}
	if n, ok := ibanLengths[s[:2]]; ok && len(s) != n {
		return "", errIBANFormat
	}
	var digits strings.Builder
	for _, r := range s[4:] + s[:4] {
		if r >= 'A' && r <= 'Z' {
			digits.WriteString(strconv.Itoa(int(r-'A') + 10))
		} else {
			digits.WriteRune(r)
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	if !ok || new(big.Int).Mod(n, big.NewInt(97)).Int64() != 1 {
		return "", errIBANChecksum
	}
	return s, nil
}

var (
	errIBANFormat   = errors.New("iban format")
	errIBANChecksum = errors.New("iban checksum")
)

// FormatIBAN groups an IBAN in fours for display.
func FormatIBAN(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// CheckEmail accepts a plain address ("name@example.org"), no display name.
func CheckEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 254 || strings.ContainsAny(s, " <>\"") {
		return s, false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return s, false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return s, false
	}
	return s, true
}

// cleanText trims, drops control characters (keeping line breaks where
// allowed) and repairs invalid UTF-8.
func cleanText(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		if r == '\n' && multiline {
			b.WriteRune(r)
			continue
		}
		if r == '\t' {
			r = ' '
		}
		if unicode.IsControl(r) || r == '\u200b' || r == '\u202e' || r == '\u202d' {
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }
