// Package portal is the parent of the citizen side of the platform; it
// holds no code of its own. Its children:
//
//   - www: the citizen portal's web surface – place routing (the Land at
//     the root, each municipality under its slug), service pages, the
//     Sozialleistungsfinder's pages, application and Servicekonto pages,
//     counselling search and appointment booking, i18n, templates and
//     static files; its route table is portal/www/routes.go;
//   - finder: the Sozialleistungsfinder's questions, rules and dated
//     parameters;
//   - forms: application definitions (data), engine, validation, drafts,
//     submission (with forms/api, forms/uploadcheck; the data keys are
//     tenant/envelope's);
//   - citizen: citizen accounts (Servicekonto) and the SAML login;
//   - counselling: the Beratungsstellen directory (with counselling/api);
//   - appointments: slot calendars and bookings;
//   - site: a tenant's portal settings (branding, offices, links, videos);
//   - gazetteer: place search over the official Gemeindeverzeichnis;
//   - xsozial: the XSozial-basis message builder; pdf: the application
//     PDF;
//   - messages: the portal's UI texts per language.
//
// The domains never import www; www and the console (admin/) never import
// each other.
package portal
