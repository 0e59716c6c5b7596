package core

import (
	"net/http"
	"regexp"
	"strings"

	"sozialplattform/tenant/mail"
)

// demoMailboxLimit is how many of the newest mails the demo mailbox shows.
const demoMailboxLimit = 50

// demoLink matches the links of a mail's text.
var demoLink = regexp.MustCompile(`https?://[^\s<>"]+`)

type demoMail struct {
	mail.Stored
	Links []string
}

// DemoMailboxPage lists the demo's mails to staff – registration
// confirmations, invitations, password links, order confirmations – with
// their links, newest first. The route exists only in the demo without a
// mail server (ui.Shell.DemoMailbox), where nobody could read them
// otherwise; it is public because who tries the demo has no account yet.
// Mails to citizens are not listed (the outbox never lists them to
// anyone).
func (c *Pages) DemoMailboxPage(w http.ResponseWriter, r *http.Request) {
	if !c.DemoMailbox() { // the route table registers it only then
		c.NotFound(w, r)
		return
	}
	list, err := c.Outbox.List(r.Context(), mail.ListFilter{Limit: demoMailboxLimit})
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	out := make([]demoMail, 0, len(list))
	for _, m := range list {
		full, err := c.Outbox.Get(r.Context(), m.ID)
		if err != nil {
			c.ServerError(w, r, err)
			return
		}
		d := demoMail{Stored: full}
		for _, l := range demoLink.FindAllString(full.TextBody, -1) {
			l = strings.TrimRight(l, ".,;:)")
			if !strings.HasPrefix(l, c.BaseURL+"/") && l != c.BaseURL {
				continue // only the platform's own links: the ones a person must open
			}
			d.Links = append(d.Links, l)
		}
		out = append(out, d)
	}
	c.anonymous(w, r, http.StatusOK, "demo-postfach", "Demo-Postfach", out)
}
