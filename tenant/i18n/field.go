package i18n

import (
	"fmt"

	"sozialplattform/tenant/fault"
)

// FieldPrefix starts the key of a field error's code: the code "phone"
// reads "field.phone".
const FieldPrefix = "field."

// Field translates a domain's field error: the text of "field."+Code with
// the error's parameters as {name}s. An error without a code, or with a
// code no catalogue knows, keeps the domain's German message, marked as
// German (Fallback) unless the catalogue is German. In German the
// domain's own message wins where it has one: it is German already, and
// where a domain words a coded problem more narrowly than the shared text
// it is the more specific.
func (c *Catalogue) Field(e fault.FieldError) Text {
	if c.lang.Code == German && e.Message != "" {
		return Text{Value: e.Message, Lang: German}
	}
	if e.Code != "" {
		if t, ok := c.Lookup(FieldPrefix + e.Code); ok {
			t.Value = named(t.Value, c.params(e.Params))
			return t
		}
	}
	return Text{Value: e.Message, Lang: German, Fallback: c.lang.Code != German}
}

// params formats a field error's parameters the way the language writes
// numbers.
func (c *Catalogue) params(p map[string]any) map[string]string {
	if len(p) == 0 {
		return nil
	}
	out := make(map[string]string, len(p))
	for k, v := range p {
		switch n := v.(type) {
		case float64:
			out[k] = c.Number(n)
		case float32:
			out[k] = c.Number(float64(n))
		default:
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}
