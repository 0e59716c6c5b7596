package marketplace

// The marketplace's sections, as the seed's navigation names them.
const (
	SectionBasis   = "basisdienst"
	SectionOnline  = "online"
	SectionOther   = "sonstiges"
	SectionPlanned = "geplant"
)

// Sections lists the sections in the order of the navigation.
func Sections() []string {
	return []string{SectionBasis, SectionOnline, SectionOther, SectionPlanned}
}

// SectionLabel names a section in German, "" for an unknown one.
func SectionLabel(section string) string {
	return map[string]string{SectionBasis: "Basisdienste", SectionOnline: "Online-Dienste", SectionOther: "Sonstiges",
		SectionPlanned: "Geplante Dienste"}[section]
}

// What holds after a product's last price period (Product.PriceAfter).
const (
	// PriceAfterOrderable: the price is not decided yet ("ab 2027 noch
	// nicht entschieden"); the product stays orderable with a clear note.
	PriceAfterOrderable = "undecided-orderable"
	// PriceAfterClosed: not orderable until the ministry sets a price.
	PriceAfterClosed = "undecided-closed"
)
