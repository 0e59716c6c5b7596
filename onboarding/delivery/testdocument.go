package delivery

import (
	"context"
	"time"
)

// BuildFunc builds an ordinary application of a fixed test person for a
// tenant's Antragsstrecke, with the same builders a citizen's application
// goes through (the XSozial-basis message and the PDF of portal/xsozial
// and portal/pdf, wired by cmd from forms.Store.TestApplication): so that
// a successful connection test proves that real applications will be
// accepted. reference and at name and date the application. The result
// differs from a real application only in the person's data; the
// transport marks it as a test where it has a flag for it (XTA TestMsg).
type BuildFunc func(ctx context.Context, tenantID, antragsstrecke, reference string, at time.Time) (xml, pdf []byte, err error)
