package core

import (
	"fmt"
	"strings"
	"time"

	"sozialplattform/tenant"
)

// auditObject is how the log names an object type: its label for the
// filter and the phrase with article for a sentence ("den Anbindungsfall").
type auditObject struct{ label, phrase string }

// auditObjects names every object type the domains write into the log
// (their Obj… constants); an unknown type is shown as written.
var auditObjects = map[string]auditObject{
	"tenant":                    {"Körperschaft", "die Körperschaft"},
	"user":                      {"Benutzerkonto", "das Benutzerkonto"},
	"membership":                {"Mitgliedschaft", "die Mitgliedschaft"},
	"invitation":                {"Einladung", "die Einladung"},
	"api-token":                 {"API-Token", "das API-Token"},
	"mail":                      {"E-Mail", "die E-Mail"},
	"job":                       {"Aufgabe", "die Aufgabe"},
	"portal-settings":           {"Portal-Einstellungen", "die Portal-Einstellungen"},
	"portal-logo":               {"Portal-Logo", "das Logo des Portals"},
	"portal-office":             {"Dienststelle im Portal", "die Dienststelle im Portal"},
	"portal-link":               {"Link im Portal", "den Link im Portal"},
	"portal-sign-video":         {"Gebärdensprachvideo", "das Gebärdensprachvideo"},
	"product":                   {"Produkt", "das Produkt"},
	"registration":              {"Registrierung", "die Registrierung"},
	"wishlist":                  {"Merkzettel", "den Merkzettel"},
	"cart":                      {"Warenkorb", "den Warenkorb"},
	"order":                     {"Bestellung", "die Bestellung"},
	"onboarding-case":           {"Anbindungsfall", "den Anbindungsfall"},
	"onboarding-go-live":        {"Bestätigung des Livegangs", "die Bestätigung des Livegangs"},
	"onboarding-checklist-item": {"Punkt der Checkliste", "den Punkt der Checkliste"},
	"onboarding-attachment":     {"Anhang der Checkliste", "den Anhang"},
	"onboarding-catalog":        {"Antragsstrecke im Katalog", "die Antragsstrecke im Katalog"},
	"onboarding-responsibility": {"Zuständigkeit", "die Zuständigkeit"},
	"checklist-template":        {"Vorlage der Checkliste", "die Vorlage der Checkliste"},
	"fachverfahren":             {"Fachverfahren", "das Fachverfahren"},
	"consultation":              {"Sprechstunde", "die Sprechstunde"},
	"consultation-attendance":   {"Anmeldung zur Sprechstunde", "die Anmeldung zur Sprechstunde"},
	"calendar":                  {"Kalender-Abo", "das Kalender-Abo"},
	"connection-test":           {"Anbindungstest", "den Anbindungstest"},
	"delivery":                  {"Zustellung", "die Zustellung"},
	"dvdv-entry":                {"DVDV-Eintrag", "den DVDV-Eintrag"},
	"mailbox-message":           {"Nachricht im Postfach", "die Nachricht im Postfach"},
	"application":               {"Antrag", "den Antrag"},
	"application-draft":         {"Antragsentwurf", "den Antragsentwurf"},
	"application-settings":      {"Einstellungen der Anträge", "die Einstellungen der Anträge"},
	"counselling-centre":        {"Beratungsstelle", "die Beratungsstelle"},
	"counselling-review":        {"Prüfung einer Beratungsstelle", "die Prüfung der Beratungsstelle"},
	"counselling-topic":         {"Beratungsthema", "das Beratungsthema"},
	"counselling-settings":      {"Einstellungen der Beratung", "die Einstellungen der Beratung"},
	"appointment":               {"Termin", "den Termin"},
}

// auditVerbs are the actions as a participle ("hat … angelegt") and as a
// label for the filter.
var auditVerbs = map[string]string{
	"create": "angelegt", "update": "geändert", "delete": "entfernt", "revoke": "widerrufen", "accept": "angenommen",
	"activate": "freigeschaltet", "deactivate": "deaktiviert", "change-password": "das Passwort geändert",
	"request-password-reset": "einen Link zum Zurücksetzen des Passworts angefordert", "add": "ergänzt", "remove": "entfernt",
	"clear": "geleert", "confirm": "bestätigt", "reject": "abgelehnt", "state": "im Stand geändert", "list": "aufgelistet",
	"read": "gelesen", "download": "heruntergeladen", "pickup": "abgeholt", "retry": "erneut angestoßen", "submit": "abgesendet",
	"book": "gebucht", "cancel": "abgesagt", "verify": "bestätigt", "import": "importiert", "purge": "gelöscht",
	"delete-expired": "Abgelaufenes gelöscht", "remind": "erinnert", "status": "im Stand geändert",
	"connection-test": "einen Testantrag gesendet", "test-delivery": "erfolgreich zugestellt", "destination-key": "mit neuem Schlüssel versehen",
	"adopt-connection": "mit übernommener Anbindung versehen", "calendar-feed": "eine neue Abo-Adresse erzeugt", "go-live": "live geschaltet",
}

// auditFieldLabels are the German names of the fields the domains record.
var auditFieldLabels = map[string]string{
	"name": "Name", "kind": "Art", "officialKey": "Amtlicher Schlüssel", "slug": "Kurzname",
	"functionMailbox": "Funktionspostfach", "street": "Straße", "postalCode": "Postleitzahl", "city": "Ort",
	"itProvider": "IT-Dienstleister", "active": "Aktiv", "contacts": "Ansprechpersonen",
	"email": "E-Mail-Adresse", "role": "Rolle",
	"antragsstrecke": "Antragsstrecke", "phase": "Phase", "status": "Stand", "variant": "Anbindungsvariante",
	"fachverfahrenId": "Fachverfahren", "dvdvKennung": "DVDV-Behördenkennung", "destinationId": "DestinationID",
	"mailboxUsers": "Postfach-Benutzer", "keyThumbprint": "Schlüssel (Fingerabdruck)", "plannedLiveOn": "Geplanter Livegang",
	"done": "Erledigt", "comment": "Kommentar", "title": "Titel", "caseId": "Fall", "itemId": "Punkt", "filename": "Datei",
	"contentType": "Dateiart", "size": "Größe (Byte)", "sha256": "Prüfsumme (SHA-256)", "liveConfirmed": "Livegang bestätigt",
	"acknowledged": "Ohne erfolgreichen Test ausdrücklich bestätigt", "reason": "Begründung", "evidence": "Nachweis",
	"adoptedFrom": "Übernommen aus Fall", "adoptedFromAntragsstrecke": "Übernommen aus", "items": "Übernommene Punkte",
	"scope": "Gilt", "sharedWith": "Weitere Fälle", "orderId": "Bestellung", "orderedAt": "Bestellt am",
	"referenceNumber": "Aktenzeichen", "startsAt": "Beginn", "at": "Zeitpunkt", "ref": "Referenz", "deliveryId": "Zustellung",
	"number": "Nummer", "topic": "Thema", "durationMinutes": "Dauer (Minuten)", "cancelled": "Abgesagt",
	"kid": "Schlüssel-ID", "thumbprint": "Fingerabdruck", "notAfter": "Gültig bis", "description": "Beschreibung",
	"position": "Reihenfolge", "fact": "Prüft das System", "product": "Produkt", "vendor": "Hersteller", "quantity": "Menge",
	"state": "Stand", "demo": "Demodaten", "orderNumber": "Bestellnummer", "endpoint": "Adresse", "certificate": "Zertifikat",
}

// auditNames resolves the names a sentence needs.
type auditNames struct {
	people  map[string]string // user ID → name
	tenants map[string]string // tenant ID → name
	streams map[string]string // Antragsstrecke key → label
	loc     *time.Location
}

func (n auditNames) stream(key any) string {
	k, _ := key.(string)
	if l, ok := n.streams[k]; ok {
		return l
	}
	return k
}

// auditSentence says in one German sentence what an entry records, e.g.
// "Petra Probst hat die Phase Anbindungstests von Hilfe zum
// Lebensunterhalt 1.0 abgeschlossen."
func auditSentence(e tenant.AuditEntry, n auditNames) string {
	who := n.people[e.ActorID]
	if who == "" {
		who = e.ActorLabel
	}
	if who == "" {
		who = "Das System"
	}
	s := e.Summary
	after, _ := s["after"].(map[string]any)
	before, _ := s["before"].(map[string]any)
	strecke := n.stream(s["antragsstrecke"])
	switch e.ObjectType {
	case "onboarding-case":
		switch {
		case s["phase"] != nil && after["status"] != nil:
			return fmt.Sprintf("%s hat die Phase %s von %s %s.", who, phaseLabel(s["phase"]), strecke, phaseVerb(before["status"], after["status"]))
		case e.Action == "go-live":
			return fmt.Sprintf("%s hat %s live geschaltet.", who, strecke)
		case e.Action == "create":
			return fmt.Sprintf("%s hat den Anbindungsfall %s eröffnet.", who, strecke)
		case e.Action == "adopt-connection":
			return fmt.Sprintf("%s hat für %s die Anbindung von %s übernommen.", who, strecke, n.stream(s["adoptedFromAntragsstrecke"]))
		case e.Action == "test-delivery":
			return fmt.Sprintf("Ein Testantrag für %s ist angekommen.", strecke)
		case e.Action == "destination-key":
			return fmt.Sprintf("Die Plattform hat einen neuen Schlüssel des Zustellpunkts für %s geprüft und gespeichert.", strecke)
		case strecke != "":
			return fmt.Sprintf("%s hat den Anbindungsfall %s geändert.", who, strecke)
		}
	case "onboarding-go-live":
		if after["liveConfirmed"] == true {
			if s["acknowledged"] == true {
				return fmt.Sprintf("%s hat den Livegang von %s ohne erfolgreichen Anbindungstest bestätigt (Begründung: %v).", who, strecke, s["reason"])
			}
			return fmt.Sprintf("%s hat den Livegang von %s bestätigt.", who, strecke)
		}
		return fmt.Sprintf("%s hat die Bestätigung des Livegangs von %s zurückgenommen.", who, strecke)
	case "onboarding-checklist-item":
		title := fmt.Sprint(s["title"])
		all := ""
		if s["scope"] == "tenant" {
			all = " (für alle Antragsstrecken der Kommune)"
		}
		switch after["done"] {
		case true:
			return fmt.Sprintf("%s hat „%s“ abgehakt%s.", who, title, all)
		case false:
			return fmt.Sprintf("%s hat „%s“ wieder geöffnet%s.", who, title, all)
		}
		return fmt.Sprintf("%s hat „%s“ kommentiert%s.", who, title, all)
	case "connection-test":
		return fmt.Sprintf("%s hat einen Testantrag für %s gesendet.", who, strecke)
	}
	obj, ok := auditObjects[e.ObjectType]
	phrase := obj.phrase
	if !ok {
		phrase = e.ObjectType
	}
	if name := objectName(e, n); name != "" {
		phrase += " " + name
	}
	verb, ok := auditVerbs[e.Action]
	if !ok {
		verb = e.Action
	}
	switch e.Action {
	case "change-password", "request-password-reset", "connection-test", "calendar-feed", "delete-expired":
		return fmt.Sprintf("%s hat %s.", who, verb)
	}
	return fmt.Sprintf("%s hat %s %s.", who, phrase, verb)
}

// objectName is the name an entry records for its object, if any.
func objectName(e tenant.AuditEntry, n auditNames) string {
	s := e.Summary
	after, _ := s["after"].(map[string]any)
	for _, m := range []map[string]any{after, s} {
		for _, k := range []string{"name", "title", "email", "referenceNumber", "orderNumber", "kennung", "filename"} {
			if v, ok := m[k].(string); ok && v != "" {
				if k == "title" || k == "name" || k == "filename" {
					return "„" + v + "“"
				}
				return v
			}
		}
	}
	if e.ObjectType == "tenant" {
		if name := n.tenants[e.ObjectID]; name != "" {
			return name
		}
	}
	return ""
}

func phaseLabel(v any) string {
	switch v {
	case "preparation":
		return "Vorbereitung technische Anbindung"
	case "connection-tests":
		return "Anbindungstests"
	case "production":
		return "Produktivtest und Livegang"
	}
	return fmt.Sprint(v)
}

func phaseVerb(from, to any) string {
	switch to {
	case "completed":
		return "abgeschlossen"
	case "not-started":
		return "zurückgesetzt"
	case "in-progress":
		if from == "completed" {
			return "wieder geöffnet"
		}
		return "begonnen"
	}
	return "geändert"
}

// statusLabel names a phase status in German.
func statusLabel(v string) string {
	switch v {
	case "not-started":
		return "nicht gestartet"
	case "in-progress":
		return "laufend"
	case "completed":
		return "abgeschlossen"
	}
	return v
}

// auditTime shows a recorded RFC 3339 time in German local time; other
// text stays as it is.
func auditTime(s string, loc *time.Location) (string, bool) {
	if len(s) < 20 || !strings.Contains(s, "T") {
		return s, false
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s, false
	}
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("02.01.2006 15:04"), true
}
