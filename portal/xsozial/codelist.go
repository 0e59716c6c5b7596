package xsozial

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
)

// CodeList is an XÖV code list: its URI and version (written as listURI and
// listVersionID) and its codes with their German names.
type CodeList struct {
	Name    string
	URI     string            `json:"uri"`
	Version string            `json:"version"`
	Source  string            `json:"source"`
	Codes   map[string]string `json:"codes"`
}

// Has reports whether code belongs to the list.
func (c *CodeList) Has(code string) bool {
	_, ok := c.Codes[code]
	return ok
}

// Sorted returns the codes in order.
func (c *CodeList) Sorted() []string {
	out := make([]string, 0, len(c.Codes))
	for k := range c.Codes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The code lists the message uses.
const (
	ListVerzeichnisdienst = "verzeichnisdienst"
	ListNachrichtentyp    = "nachrichtentyp"
	ListVorgangstyp       = "vorgangstyp"
	ListPersonentyp       = "personentyp"
	ListGeschlecht        = "geschlecht"
	ListStaat             = "staatsangehoerigkeit"
	ListFamilienstand     = "familienstand"
	ListLeistungArt       = "leistungart"
	ListAusbildungsart    = "ausbildungsart"
	ListDritteTyp         = "drittetyp"
	ListKanal             = "kommunikationskanal"
	ListPostfachTyp       = "postfachtyp"
)

//go:embed codelists.json
var codeListJSON []byte

// CodeLists holds every code list by name. It is read-only after Load.
type CodeLists map[string]*CodeList

// LoadCodeLists parses the embedded code lists.
func LoadCodeLists() (CodeLists, error) {
	var raw struct {
		Lists map[string]*CodeList `json:"lists"`
	}
	if err := json.Unmarshal(codeListJSON, &raw); err != nil {
		return nil, fmt.Errorf("xsozial code lists: %w", err)
	}
	for _, name := range []string{ListVerzeichnisdienst, ListNachrichtentyp, ListVorgangstyp, ListPersonentyp, ListGeschlecht,
		ListStaat, ListFamilienstand, ListLeistungArt, ListAusbildungsart, ListDritteTyp, ListKanal, ListPostfachTyp} {
		l, ok := raw.Lists[name]
		// A list the reference writes without listURI has neither URI nor
		// version; otherwise both are required.
		if !ok || (l.URI == "") != (l.Version == "") || len(l.Codes) == 0 {
			return nil, fmt.Errorf("xsozial code lists: %s missing or incomplete", name)
		}
		l.Name = name
	}
	return raw.Lists, nil
}
