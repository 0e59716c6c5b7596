package site

import "slices"

// Service is one benefit the portal informs about.
type Service struct {
	Key  string // URL name, e.g. "hzl"
	Name string // German name
	OZG  string // OZG-ID, "" when the service is no OZG-Leistung of the platform
	// Antragsstrecken are the application flows of the platform for this
	// service (onboarding's keys); empty when it is applied for elsewhere.
	Antragsstrecken []string
	Rechtskreis     string // key of Rechtskreise
}

// Services is the catalogue of service information pages, in the order the
// portal lists them.
var Services = []Service{
	{Key: "buergergeld", Name: "Bürgergeld", OZG: "10082", Rechtskreis: "sgb2"},
	{Key: "hzl", Name: "Hilfe zum Lebensunterhalt", OZG: "10086", Antragsstrecken: []string{"hzl", "eb-hzl"}, Rechtskreis: "sgb12"},
	{Key: "grusi", Name: "Grundsicherung im Alter und bei Erwerbsminderung", OZG: "10084", Antragsstrecken: []string{"grusi"}, Rechtskreis: "sgb12"},
	{Key: "but", Name: "Bildung und Teilhabe", OZG: "10088", Antragsstrecken: []string{"but"}, Rechtskreis: "sgb12"},
	{Key: "asylblg", Name: "Leistungen nach dem Asylbewerberleistungsgesetz", OZG: "10606", Antragsstrecken: []string{"asylblg"}, Rechtskreis: "asylblg"},
	{Key: "mietrueckstaende", Name: "Übernahme von Mietrückständen", OZG: "10090", Antragsstrecken: []string{"mrh"}, Rechtskreis: "sgb12"},
	{Key: "wbs", Name: "Bescheinigung für Geringverdiener (Wohnberechtigungsschein)", OZG: "10083", Antragsstrecken: []string{"wbs"}, Rechtskreis: "wogg"},
	{Key: "wohngeld", Name: "Wohngeld", Rechtskreis: "wogg"},
	{Key: "kinderzuschlag", Name: "Kinderzuschlag", Rechtskreis: "bkgg"},
	{Key: "kindergeld", Name: "Kindergeld", Rechtskreis: "bkgg"},
	{Key: "bafoeg", Name: "BAföG", Rechtskreis: "bafoeg"},
}

// ServiceByKey returns a service of the catalogue.
func ServiceByKey(key string) (Service, bool) {
	i := slices.IndexFunc(Services, func(s Service) bool { return s.Key == key })
	if i < 0 {
		return Service{}, false
	}
	return Services[i], true
}

// Rechtskreis is a legal area that decides which authority is responsible.
type Rechtskreis struct {
	Key   string
	Label string // German, with the usual office in brackets
}

// Rechtskreise are the legal areas a tenant names responsible offices for.
var Rechtskreise = []Rechtskreis{
	{"sgb2", "SGB II – Bürgergeld (Jobcenter)"},
	{"sgb12", "SGB XII – Sozialhilfe (Sozialamt)"},
	{"sgb14", "SGB XIV – Soziale Entschädigung"},
	{"asylblg", "AsylbLG – Leistungen für Asylsuchende"},
	{"wogg", "WoGG – Wohngeld und Wohnberechtigung"},
	{"bkgg", "BKGG/EStG – Kindergeld und Kinderzuschlag (Familienkasse)"},
	{"bafoeg", "BAföG – Ausbildungsförderung"},
}

// RechtskreisLabel returns the German label of a Rechtskreis key.
func RechtskreisLabel(key string) string {
	for _, r := range Rechtskreise {
		if r.Key == key {
			return r.Label
		}
	}
	return key
}
