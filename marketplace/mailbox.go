package marketplace

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"sozialplattform/tenant"
	"sozialplattform/tenant/gemeinden"
)

// The marketplace registers authorities, not people: the address it sends
// to must be a Funktionspostfach that still works when staff change. A
// personal address cannot be told apart with certainty, so checkMailbox
// refuses what very likely is one – "vorname.nachname@", "v.nachname@", a
// bare first name, an initial or first name run into a common surname
// ("mmustermann@", "petramueller@"), a private mail provider – and
// explains what is wanted. MailboxConcern names the borderline cases it
// lets through ("mueller@", "kpfennig@") for the ministry to look at.

// functionWords are parts of a local part that mark a function mailbox.
var functionWords = []string{
	"abteilung", "amt", "antrag", "antraege", "asyl", "auslaender", "bereich", "buero", "buerger",
	"buergerservice", "but", "digital", "dienst", "edv", "egov", "egovernment", "eingliederung",
	"fachbereich", "fachdienst", "fb", "fd", "geschaeftsstelle", "grundsicherung", "hilfe", "info",
	"integration", "it", "jobcenter", "kontakt", "kreis", "landkreis", "leistung", "leistungen", "mail",
	"marktplatz", "office", "onlinedienste", "ozg", "post", "postfach", "poststelle", "rathaus", "referat",
	"sachgebiet", "sekretariat", "service", "sgb", "sozial", "sozialamt", "sozialhilfe", "sozialplattform",
	"stadt", "stadtverwaltung", "team", "verwaltung", "wohngeld", "zentrale",
	"kaemmerei", "presse", "datenschutz", "ordnung", "jugend", "gesundheit", "soziales", "familie", "senioren",
	"landrat", "buergermeister", "gleichstellung", "vergabe", "kasse", "personal", "schule", "kita",
}

// functionSuffixes end words that name a unit ("bauamt", "vergabestelle").
var functionSuffixes = []string{"amt", "aemter", "stelle", "stellen", "buero", "dienst", "dienste", "referat", "leitung",
	"verwaltung", "zentrale", "kasse", "rat", "team", "bereich", "abteilung", "postfach", "service"}

// surnames are common German surnames (folded: ä → ae, ß → ss), with the
// placeholder "mustermann"; run into an initial or a first name they make
// a personal address ("mmustermann@", "petramueller@").
var surnames = []string{
	"mueller", "schmidt", "schneider", "fischer", "weber", "meyer", "wagner", "becker", "schulz", "hoffmann", "schaefer",
	"koch", "bauer", "richter", "klein", "wolf", "schroeder", "neumann", "schwarz", "zimmermann", "braun", "krueger",
	"hofmann", "hartmann", "lange", "schmitt", "werner", "schmitz", "krause", "meier", "lehmann", "schmid", "schulze",
	"maier", "koehler", "herrmann", "koenig", "walter", "mayer", "huber", "kaiser", "fuchs", "peters", "lang", "scholz",
	"moeller", "weiss", "jung", "hahn", "schubert", "vogel", "friedrich", "keller", "guenther", "frank", "berger",
	"winkler", "roth", "beck", "lorenz", "baumann", "franke", "albrecht", "schuster", "simon", "ludwig", "boehm",
	"winter", "kraus", "martin", "schumacher", "kraemer", "vogt", "stein", "jaeger", "otto", "sommer", "gross",
	"seidel", "heinrich", "brandt", "haas", "schreiber", "graf", "schulte", "dietrich", "ziegler", "kuhn", "kuehn",
	"pohl", "engel", "horn", "busch", "bergmann", "thomas", "voigt", "sauer", "arnold", "wolff", "pfeiffer", "kunze",
	"seifert", "thiele", "boettcher", "kaufmann", "fiedler", "hesse", "schindler", "ebert", "lindner", "hauser",
	"schoenfeld", "kuhlmann", "mustermann", "musterfrau", "beyer", "wendt", "krebs", "paul", "kluge", "schenk",
	"kretschmer", "ritter", "petersen", "nowak", "schade", "jahn", "goetz", "marx", "ernst", "baier", "nagel",
	"runge", "wilhelm", "thiel", "langer", "ulrich", "haase", "kolb", "behrens", "menzel", "reuter", "goebel",
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
// "vorname.nachname", "v.nachname", "vorname-nachname", "vorname", or one
// word of an initial or first name and a common surname ("mmustermann",
// "hjmueller", "petramueller", "muellerp").
func personalLocalPart(local string) bool {
	parts, ok := nameParts(local)
	if !ok {
		return false
	}
	switch len(parts) {
	case 1:
		w := parts[0]
		return slices.Contains(firstNames, w) || initialsAndSurname(w) || firstNameAndSurname(w)
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

// nameParts splits a local part at dots, hyphens and underscores; false
// when a part holds a digit or names a unit ("fb50", "sozialamt").
func nameParts(local string) ([]string, bool) {
	folded := umlautFold.Replace(local)
	parts := strings.FieldsFunc(folded, func(r rune) bool { return r == '.' || r == '_' || r == '-' })
	if len(parts) == 0 {
		return nil, false
	}
	for _, p := range parts {
		if strings.ContainsFunc(p, unicode.IsDigit) {
			return nil, false // "fb50", "sgb2": numbers mark units, not names
		}
		for _, w := range functionWords {
			if p == w || (len(w) >= 4 && strings.Contains(p, w)) {
				return nil, false
			}
		}
		for _, suf := range functionSuffixes {
			if strings.HasSuffix(p, suf) && len(p) > len(suf) {
				return nil, false
			}
		}
		if placeWord(p) {
			return nil, false // "annaburg", "harz": the authority's place
		}
	}
	return parts, true
}

// placeWord reports whether w is the name of a Gemeinde or Kreis of
// Sachsen-Anhalt, written without spaces ("halle", "annaburg",
// "jerichowerland").
func placeWord(w string) bool {
	list, err := gemeinden.Default()
	if err != nil {
		return false
	}
	match := func(names []string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return strings.ReplaceAll(n, " ", "") == w })
	}
	for _, k := range list.Kreise() {
		if match(k.Names()) {
			return true
		}
	}
	for _, g := range list.Gemeinden() {
		if match(g.Names()) {
			return true
		}
	}
	return false
}

// initialsAndSurname: one or two initials before or after a common surname.
func initialsAndSurname(w string) bool {
	for n := 1; n <= 2 && n < len(w); n++ {
		if slices.Contains(surnames, w[n:]) || slices.Contains(surnames, w[:len(w)-n]) {
			return true
		}
	}
	return false
}

// firstNameAndSurname: a common first name run into a common surname.
func firstNameAndSurname(w string) bool {
	for _, f := range firstNames {
		if rest, ok := strings.CutPrefix(w, f); ok && slices.Contains(surnames, rest) {
			return true
		}
	}
	return false
}

// germanOnsets are the consonant pairs a German word may begin with; a
// local part beginning with another pair is most likely an initial before
// a name ("kpfennig", "rgoebel").
var germanOnsets = []string{"bl", "br", "ch", "dr", "fl", "fr", "gl", "gn", "gr", "kl", "kn", "kr", "pf", "ph", "pl",
	"pr", "ps", "qu", "sc", "sk", "sl", "sm", "sn", "sp", "st", "sz", "th", "tr", "ts", "tw", "wr", "zw", "kw", "dw", "vl"}

// MailboxConcern says why a function mailbox the registration accepted
// still looks personal ("wirkt persönlich"), "" when nothing does: a bare
// common surname ("mueller@"), an initial before an unknown name
// ("kpfennig@"), a first name at the start ("petrakowski@"). The ministry
// sees it on the registration before it activates.
func MailboxConcern(addr string) string {
	local, _, ok := strings.Cut(strings.ToLower(addr), "@")
	if !ok {
		return ""
	}
	parts, ok := nameParts(local)
	if !ok || len(parts) != 1 || !isLetters(parts[0]) {
		return ""
	}
	w := parts[0]
	switch {
	case personalLocalPart(local):
		return "Das Postfach sieht nach einer Person aus (Vor- und Nachname oder Initiale und Nachname)."
	case slices.Contains(surnames, w):
		return "„" + local + "“ ist ein häufiger Nachname; das Postfach könnte einer Person gehören."
	case len(w) >= 5 && !isVowel(w[0]) && !isVowel(w[1]) && !slices.Contains(germanOnsets, w[:2]) && strings.ContainsFunc(w[1:], func(r rune) bool { return isVowel(byte(r)) }):
		return "„" + local + "“ beginnt wie eine Initiale vor einem Namen; das Postfach könnte einer Person gehören."
	}
	for _, f := range firstNames {
		if strings.HasPrefix(w, f) && len(w)-len(f) >= 3 {
			return "„" + local + "“ beginnt mit dem Vornamen „" + f + "“; das Postfach könnte einer Person gehören."
		}
	}
	return ""
}

func isVowel(b byte) bool { return strings.IndexByte("aeiouy", b) >= 0 }

func isLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}
