package admin

import (
	"net/http"

	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/web"
)

// Routes is the console's route table: every page and form under /admin/,
// the public marketplace under /marktplatz/ and the calendar
// subscriptions under /kalender/. Each route states its login, access,
// form token, body limit and whether it is public or carries a secret in
// its path; Register serves exactly this table, and the login and form
// token of staff routes are enforced here, by the table (see staff).
//
// Access "per tenant": the handler loads the tenant (from the path or the
// person's memberships) and asks the casbin Authorizer for the object and
// action of the page there, answering 404 outside the person's area and 403
// without the right.
func (c *Console) Routes() []web.Route {
	core := c.core
	page := func(pattern string, h http.HandlerFunc) web.Route {
		return c.staff(http.MethodGet, pattern, h, web.NoToken, "")
	}
	form := func(pattern string, h http.HandlerFunc) web.Route {
		return c.staff(http.MethodPost, pattern, h, web.FormToken, "")
	}
	// upload: multipart forms, whose token the handler checks once it has
	// read the body within the route's limit.
	upload := func(pattern string, h http.HandlerFunc, limit int64) web.Route {
		r := c.staff(http.MethodPost, pattern, h, web.NoToken, "multipart upload: the handler checks the form token after reading the body")
		r.BodyLimit = limit
		return r
	}
	// Pages before login and public pages check their form tokens
	// themselves (before login from the signed cookie of web.FormTokens).
	open := func(method, pattern string, h http.HandlerFunc, csrf web.CSRF, reason string) web.Route {
		return web.Route{Method: method, Pattern: pattern, Handler: h, Public: true, CSRF: csrf, Reason: reason}
	}
	secret := func(r web.Route) web.Route { r.Secret = true; return r }
	const (
		login  = "the login and password pages come before any login"
		invite = "the invitation link from the mail is the key"
	)
	routes := []web.Route{
		// Before login.
		open(http.MethodGet, "/admin/anmelden", core.LoginForm, web.NoToken, login),
		open(http.MethodPost, "/admin/anmelden", core.Login, web.FormToken, login),
		open(http.MethodPost, "/admin/abmelden", core.Logout, web.FormToken, "logging out needs no login (an expired session ends quietly)"),
		open(http.MethodGet, "/admin/passwort/vergessen", core.ForgotForm, web.NoToken, login),
		open(http.MethodPost, "/admin/passwort/vergessen", core.Forgot, web.FormToken, login),
		secret(open(http.MethodGet, "/admin/passwort/neu/{token}", core.ResetForm, web.NoToken, "the password link from the mail is the key")),
		secret(open(http.MethodPost, "/admin/passwort/neu/{token}", core.Reset, web.FormToken, "the password link from the mail is the key")),
		secret(open(http.MethodGet, "/admin/einladung/{token}", core.InvitationForm, web.NoToken, invite)),
		secret(open(http.MethodPost, "/admin/einladung/{token}", core.AcceptInvitation, web.FormToken, invite)),

		// After login: the platform core (tenants, members, invitations,
		// API tokens, log, Postausgang, jobs, own account).
		page("/admin/{$}", core.Dashboard),
		page("/admin/koerperschaften/neu", core.NewTenantForm),
		form("/admin/koerperschaften/neu", core.CreateTenant),
		page("/admin/koerperschaften/{id}", core.TenantPage),
		form("/admin/koerperschaften/{id}", core.UpdateTenant),
		page("/admin/koerperschaften/{id}/benutzer", core.MembersPage),
		form("/admin/koerperschaften/{id}/benutzer/{uid}/rolle", core.SetMemberRole),
		form("/admin/koerperschaften/{id}/benutzer/{uid}/aktiv", core.SetMemberActive),
		form("/admin/koerperschaften/{id}/benutzer/{uid}/entfernen", core.RemoveMember),
		page("/admin/koerperschaften/{id}/einladungen", core.InvitationsPage),
		form("/admin/koerperschaften/{id}/einladungen", core.Invite),
		form("/admin/koerperschaften/{id}/einladungen/{iid}/zurueckziehen", core.RevokeInvitation),
		page("/admin/koerperschaften/{id}/token", core.TokensPage),
		form("/admin/koerperschaften/{id}/token", core.CreateToken),
		form("/admin/koerperschaften/{id}/token/{tid}/widerrufen", core.RevokeToken),
		page("/admin/koerperschaften/{id}/protokoll", core.TenantAuditPage),
		page("/admin/protokoll", core.AuditPage),
		page("/admin/postausgang", core.OutboxPage),
		page("/admin/postausgang/{id}", core.MailPage),
		form("/admin/postausgang/{id}/erneut", core.RetryMail),
		form("/admin/postausgang/buerger/erneut", core.RetryCitizenMails),
		page("/admin/arbeitsliste/{key}", core.QueuePage),
		page("/admin/aufgaben", core.JobsPage),
		form("/admin/aufgaben/{name}/ausfuehren", core.RunJob),
		page("/admin/konto", core.AccountPage),
		form("/admin/konto", core.ChangePassword),

		// The citizen portal's settings of a tenant (portalconfig).
		page("/admin/koerperschaften/{id}/portal", c.portal.Page),
		form("/admin/koerperschaften/{id}/portal", c.portal.SaveSettings),
		upload("/admin/koerperschaften/{id}/portal/logo", c.portal.UploadLogo, web.DefaultBodyLimit),
		form("/admin/koerperschaften/{id}/portal/logo/entfernen", c.portal.RemoveLogo),
		form("/admin/koerperschaften/{id}/portal/stellen", c.portal.AddOffice),
		form("/admin/koerperschaften/{id}/portal/stellen/{oid}/entfernen", c.portal.DeleteOffice),
		form("/admin/koerperschaften/{id}/portal/links", c.portal.AddLink),
		form("/admin/koerperschaften/{id}/portal/links/{lid}/entfernen", c.portal.DeleteLink),
		form("/admin/koerperschaften/{id}/portal/videos", c.portal.AddVideo),
		form("/admin/koerperschaften/{id}/portal/videos/{vid}/entfernen", c.portal.DeleteVideo),

		// Every other path under /admin/ is a console 404, with the
		// navigation of a logged-in person.
		open("", "/admin/", c.notFound, web.NoToken, "the console's 404 page"),
	}
	if c.shell.DemoMailbox() {
		// Only in the demo without a mail server: the demo's mails with
		// their links, for everyone who tries the demo.
		routes = append(routes, open(http.MethodGet, "/demo/postfach", core.DemoMailboxPage, web.NoToken,
			"demo without a mail server only: the demo's registration, confirmation and invitation mails reach nobody otherwise"))
	}
	if m := c.market; m != nil {
		routes = append(routes,
			// Public: catalogue, product pages, registration and its
			// confirmation; a logged-in person is recognised (m.Public).
			open(http.MethodGet, "/marktplatz/{$}", m.Public(m.Catalogue), web.NoToken, "the public catalogue"),
			open(http.MethodGet, "/marktplatz/produkte/{pid}", m.Public(m.ProductPage), web.NoToken, "the public catalogue"),
			open(http.MethodGet, "/marktplatz/registrierung", m.Public(m.RegistrationForm), web.NoToken, "municipalities register before they have an account"),
			open(http.MethodPost, "/marktplatz/registrierung", m.Public(m.Register), web.FormToken, "municipalities register before they have an account"),
			open(http.MethodGet, "/marktplatz/registrierung/eingegangen", m.Public(m.RegistrationReceived), web.NoToken, "confirmation page of a registration"),
			secret(open(http.MethodGet, "/marktplatz/registrierung/bestaetigen/{token}", m.Public(m.ConfirmForm), web.NoToken, "the confirmation link from the mail is the key")),
			secret(open(http.MethodPost, "/marktplatz/registrierung/bestaetigen/{token}", m.Public(m.Confirm), web.FormToken, "the confirmation link from the mail is the key")),
			open(http.MethodGet, "/marktplatz/nutzungsbedingungen", m.Public(m.Terms), web.NoToken, "the public terms of use"),
			open(http.MethodGet, "/marktplatz", redirect("/marktplatz/"), web.NoToken, "redirect to the catalogue"),

			// A municipality's Merkzettel, Warenkorb and orders; orders by
			// their own ID; the ministry's products and registrations.
			page("/admin/marktplatz/{$}", m.Hub),
			page("/admin/koerperschaften/{id}/merkzettel", m.WishlistPage),
			form("/admin/koerperschaften/{id}/merkzettel", m.AddToWishlist),
			form("/admin/koerperschaften/{id}/merkzettel/{pid}/entfernen", m.RemoveFromWishlist),
			page("/admin/koerperschaften/{id}/warenkorb", m.CartPage),
			form("/admin/koerperschaften/{id}/warenkorb", m.AddToCart),
			form("/admin/koerperschaften/{id}/warenkorb/{pid}/menge", m.SetQuantity),
			form("/admin/koerperschaften/{id}/warenkorb/{pid}/entfernen", m.RemoveFromCart),
			form("/admin/koerperschaften/{id}/bestellen", m.PlaceOrder),
			page("/admin/koerperschaften/{id}/bestellungen", m.TenantOrdersPage),
			page("/admin/marktplatz/bestellungen", m.OrdersPage),
			page("/admin/marktplatz/bestellungen/export.csv", m.OrdersCSV),
			page("/admin/marktplatz/bestellungen/{oid}", m.OrderPage),
			form("/admin/marktplatz/bestellungen/{oid}/stand", m.ChangeOrderState),
			page("/admin/marktplatz/produkte", m.ProductsPage),
			page("/admin/marktplatz/produkte/neu", m.NewProductForm),
			form("/admin/marktplatz/produkte/neu", m.CreateProduct),
			page("/admin/marktplatz/produkte/{pid}", m.EditProductForm),
			form("/admin/marktplatz/produkte/{pid}", m.UpdateProduct),
			form("/admin/marktplatz/produkte/{pid}/veroeffentlichung", m.TogglePublished),
			page("/admin/marktplatz/registrierungen", m.RegistrationsPage),
			page("/admin/marktplatz/registrierungen/{rid}", m.RegistrationPage),
			form("/admin/marktplatz/registrierungen/{rid}/freischalten", m.Activate),
			form("/admin/marktplatz/registrierungen/{rid}/ablehnen", m.Reject),
		)
	}
	if o := c.onboarding; o != nil {
		routes = append(routes,
			// A municipality's onboarding: its cases and each case's task list.
			page("/admin/anbindung/{$}", o.Start),
			page("/admin/anbindung/{id}", o.CasesPage),
			page("/admin/anbindung/fall/{cid}", o.CasePage),
			form("/admin/anbindung/fall/{cid}/variante", o.SetVariant),
			form("/admin/anbindung/fall/{cid}/fachverfahren", o.SetFachverfahren),
			form("/admin/anbindung/fall/{cid}/anbindungsdaten", o.SetTransport),
			form("/admin/anbindung/fall/{cid}/livegang-geplant", o.SetPlannedLive),
			form("/admin/anbindung/fall/{cid}/checkliste/{iid}", o.SetItem),
			upload("/admin/anbindung/fall/{cid}/checkliste/{iid}/anhang", o.Upload, c.uploadLimit),
			page("/admin/anbindung/fall/{cid}/anhang/{aid}", o.Download),
			form("/admin/anbindung/fall/{cid}/anhang/{aid}/loeschen", o.DeleteAttachment),
			form("/admin/anbindung/fall/{cid}/phasen/{phase}", o.SetPhase),
			form("/admin/anbindung/fall/{cid}/bestaetigung", o.ConfirmGoLive),
			form("/admin/anbindung/fall/{cid}/uebernehmen", o.AdoptConnection),
			form("/admin/anbindung/{id}/phasen", o.SetPhases),
			form("/admin/anbindung/{id}/kalender-abo", o.NewCalendarFeed),
			page("/admin/zustaendigkeit/{id}", o.ResponsibilityPage),
			form("/admin/zustaendigkeit/{id}", o.SaveResponsibility),
			page("/admin/sprechstunden", o.ConsultationsPage),
			page("/admin/sprechstunden/export.csv", o.ConsultationsCSV),
			form("/admin/sprechstunden/neu", o.CreateConsultation),
			form("/admin/sprechstunden/regel", o.SaveRule),
			form("/admin/sprechstunden/{sid}", o.UpdateConsultation),
			form("/admin/sprechstunden/{sid}/anmeldung", o.Register),
			form("/admin/sprechstunden/{sid}/abmeldung", o.Unregister),
			page("/admin/fachverfahren", o.FachverfahrenPage),
			page("/admin/fachverfahren/export.csv", o.FachverfahrenCSV),
			form("/admin/fachverfahren", o.SaveFachverfahren),
			page("/admin/katalog", o.CatalogPage),
			form("/admin/katalog/{key}", o.SaveCatalogService),
			page("/admin/ansprechstellen", o.SupportContactsPage),
			form("/admin/ansprechstellen", o.SaveSupportContact),
			form("/admin/ansprechstellen/{sid}/loeschen", o.DeleteSupportContact),
			page("/admin/checklisten", o.TemplatesPage),
			form("/admin/checklisten", o.SaveTemplate),
			page("/admin/rollout", o.RolloutPage),
			page("/admin/rollout/export.csv", o.RolloutCSV),
			page("/admin/rollout/kommune/{id}", o.RolloutTenantPage),
			page("/admin/rollout/dienst/{key}", o.RolloutServicePage),
			// For calendar apps, without login: the secret address is the key.
			secret(open(http.MethodGet, "/kalender/{id}/{token}", o.CalendarFeed, web.NoToken, "calendar apps subscribe without login; the secret address is the key")),
		)
	}
	if d := c.delivery; d != nil {
		routes = append(routes,
			// Deliveries, the mailbox of variant 2, connection tests, DVDV.
			page("/admin/zustellung", d.Start),
			page("/admin/zustellung/{id}", d.ListPage),
			page("/admin/zustellung/eintrag/{did}", d.DetailPage),
			form("/admin/zustellung/eintrag/{did}/wiederholen", d.Retry),
			page("/admin/postfach/{id}", d.MailboxPage),
			page("/admin/postfach/nachricht/{mid}", d.MessagePage),
			page("/admin/postfach/nachricht/{mid}/datei/{pos}", d.Download),
			form("/admin/postfach/nachricht/{mid}/abgeholt", d.Pickup),
			page("/admin/anbindungstest/{cid}", d.TestPage),
			form("/admin/anbindungstest/{cid}", d.RunTest),
			page("/admin/dvdv", d.DvdvPage),
			form("/admin/dvdv", d.SaveDVDV),
			form("/admin/dvdv/loeschen", d.DeleteDVDV),
		)
	}
	if k := c.counselling; k != nil {
		routes = append(routes,
			// The Beratungsstellen directory.
			page("/admin/beratung/{$}", k.Hub),
			form("/admin/beratung/einstellungen", k.SaveSettings),
			page("/admin/beratung/neu", k.NewForm),
			form("/admin/beratung/neu", k.Create),
			page("/admin/beratung/pruefung", k.ReviewPage),
			page("/admin/beratung/veraltet", k.OutdatedPage),
			page("/admin/beratung/themen", k.TopicsPage),
			form("/admin/beratung/themen", k.SaveTopic),
			page("/admin/beratung/export.csv", k.ExportCSV),
			page("/admin/beratung/import", k.ImportForm),
			upload("/admin/beratung/import", k.ImportUpload, web.DefaultBodyLimit),
			page("/admin/beratung/{id}", k.CentrePage),
			page("/admin/beratung/{id}/bearbeiten", k.EditForm),
			form("/admin/beratung/{id}/bearbeiten", k.Update),
			form("/admin/beratung/{id}/bestaetigen", k.Verify),
			form("/admin/beratung/{id}/pruefung", k.Decide),
			page("/admin/beratung/{id}/versionen", k.VersionsPage),
			open(http.MethodGet, "/admin/beratung", redirect("/admin/beratung/"), web.NoToken, "redirect to the directory's start page"),
			// Online appointments: slot calendars and bookings.
			page("/admin/termine/{$}", k.CalendarsPage),
			page("/admin/termine/neu", k.NewCalendarForm),
			form("/admin/termine/neu", k.CreateCalendar),
			page("/admin/termine/{cid}", k.BookingsPage),
			page("/admin/termine/{cid}/bearbeiten", k.EditCalendarForm),
			form("/admin/termine/{cid}/bearbeiten", k.UpdateCalendar),
			form("/admin/termine/buchungen/{bid}/absagen", k.CancelBooking),
			open(http.MethodGet, "/admin/termine", redirect("/admin/termine/"), web.NoToken, "redirect to the calendars"),
		)
	}
	if k := c.applications; k != nil {
		routes = append(routes,
			// Submitted applications. /admin/antraege/antrag/{aid} and
			// /admin/antraege/{id}/einstellungen overlap for ServeMux
			// (".../antrag/einstellungen" would match both), so one pattern
			// takes both and Second picks the page. Tenant IDs are UUIDs:
			// none is "antrag".
			page("/admin/antraege", k.Start),
			page("/admin/antraege/{id}", k.ListPage),
			page("/admin/antraege/{id}/{page}", k.Second),
			form("/admin/antraege/{id}/einstellungen", k.SaveSettings),
			page("/admin/antraege/antrag/{aid}/{doc}", k.Download),
			page("/admin/antraege/antrag/{aid}/anlagen/{did}", k.DownloadAttachment),
		)
	}
	return routes
}

// staff is a route for a logged-in person: the table wraps the handler so
// that anonymous visitors are sent to the login page and, for a form, the
// form token is checked before the handler runs (ui.Shell.User,
// ui.Shell.UserForm).
func (c *Console) staff(method, pattern string, h http.HandlerFunc, csrf web.CSRF, reason string) web.Route {
	wrapped := c.shell.User(h)
	if csrf == web.FormToken {
		wrapped = c.shell.UserForm(h)
	}
	return web.Route{Method: method, Pattern: pattern, Handler: wrapped, Login: web.Staff, Access: web.PerTenant, CSRF: csrf, Reason: reason}
}

// notFound is the console's 404 page, with the navigation of a logged-in
// person.
func (c *Console) notFound(w http.ResponseWriter, r *http.Request) {
	if authz.PrincipalFrom(r.Context()).IsZero() {
		c.shell.NotFound(w, r)
		return
	}
	c.shell.User(c.shell.NotFound)(w, r)
}

// redirect sends to the canonical address of a section.
func redirect(target string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusMovedPermanently)
	}
}
