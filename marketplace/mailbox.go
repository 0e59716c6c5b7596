package marketplace

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"sozialplattform/tenant"
)

// The marketplace registers authorities, not people: the address it sends
// to must be a Funktionspostfach that still works when staff change. A
// personal address cannot be told apart with certainty, so checkMailbox
// refuses what very likely is one – "vorname.nachname@", "v.nachname@", a
// bare first name, a private mail provider – and explains what is wanted.

// functionWords are parts of a local part that mark a function mailbox.
var functionWords = []string{
	"abteilung", "amt", "antrag", "antraege", "asyl", "auslaender", "bereich", "buero", "buerger",
	"buergerservice", "but", "digital", "dienst", "edv", "egov", "egovernment", "eingliederung",
	"fachbereich", "fachdienst", "fb", "fd", "geschaeftsstelle", "grundsicherung", "hilfe", "info",
	"integration", "it", "jobcenter", "kontakt", "kreis", "landkreis", "leistung", "leistungen", "mail",
	"marktplatz", "office", "onlinedienste", "ozg", "post", "postfach", "poststelle", "rathaus", "referat",
	"sachgebiet", "sekretariat", "service", "sgb", "sozial", "sozialamt", "sozialhilfe", "sozialplattform",
	"stadt", "stadtverwaltung", "team", "verwaltung", "wohngeld", "zentrale",
}

// firstNames are common German first names; a local part that is one of
// them alone ("christine@") is a person's mailbox.
var firstNames = []string{
	"alexander", "andrea", "andreas", "angelika", "anja", "anna", "birgit", "brigitte", "christian", "christine",
	"claudia", "daniel", "daniela", "dirk", "elke", "enrico", "frank", "gabriele", "heike", "holger", "jan", "jens",
	"joerg", "juergen", "julia", "karin", "katrin", "kerstin", "klaus", "lisa", "manuela", "marco", "maria",
	"markus", "martin", "matthias", "michael", "monika", "nicole", "peter", "petra", "ralf", "sabine", "sandra",
	"silke", "stefan", "stefanie", "susanne", "sven", "thomas", "tobias", "torsten", "ute", "uwe", "wolfgang",
}

// privateDomains are mail providers for private persons.
var privateDomains = []string{
	"gmail.com", "googlemail.com", "web.de", "gmx.de", "gmx.net", "t-online.de", "yahoo.com", "yahoo.de",
	"outlook.com", "outlook.de", "hotmail.com", "hotmail.de", "live.de", "icloud.com", "freenet.de", "posteo.de",
	"mailbox.org", "aol.com", "online.de",
}

var umlautFold = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")

// checkMailbox normalises a Funktionspostfach and refuses invalid and
// personal-looking addresses.
func checkMailbox(raw string) (string, error) {
	addr, err := tenant.NormalizeEmail(raw)
	if err != nil {
		return "", fmt.Errorf("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. sozialamt@landkreis.de.")
	}
	local, domain, _ := strings.Cut(addr, "@")
	example := "sozialamt@" + domain
	if slices.Contains(privateDomains, domain) {
		return "", fmt.Errorf("%s ist ein privater E-Mail-Anbieter. Bitte verwenden Sie ein Funktionspostfach Ihrer Behörde, z. B. sozialamt@ihre-behoerde.de.", domain)
	}
	if personalLocalPart(local) {
		return "", fmt.Errorf("%s sieht nach einem persönlichen Postfach aus. Bitte verwenden Sie ein Funktionspostfach, z. B. %s – es bleibt erreichbar, wenn Zuständigkeiten wechseln.", addr, example)
	}
	return addr, nil
}

// personalLocalPart tells whether a local part looks like a person's name:
// "vorname.nachname", "v.nachname", "vorname-nachname", "vorname".
func personalLocalPart(local string) bool {
	folded := umlautFold.Replace(local)
	parts := strings.FieldsFunc(folded, func(r rune) bool { return r == '.' || r == '_' || r == '-' })
	if len(parts) == 0 {
		return false
	}
	for _, p := range parts {
		if strings.ContainsFunc(p, unicode.IsDigit) {
			return false // "fb50", "sgb2": numbers mark units, not names
		}
		for _, w := range functionWords {
			if p == w || (len(w) >= 4 && strings.Contains(p, w)) {
				return false
			}
		}
	}
	switch len(parts) {
	case 1:
		return slices.Contains(firstNames, parts[0])
	case 2, 3:
		// first.last, f.last, first.middle.last: letters only, no function word.
		for _, p := range parts {
			if !isLetters(p) {
				return false
			}
		}
		return true
	}
	return false
}

func isLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}
