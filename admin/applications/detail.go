package applications

import (
	"errors"
	"net/http"
	"sozialplattform/admin/ui"

	"sozialplattform/onboarding/delivery"
	"sozialplattform/portal/forms"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/download"
)

// appDetailData fills the page of one application.
type appDetailData struct {
	A           *forms.Details
	Tenant      *tenant.Tenant
	Title       string // of the definition version the citizen filled
	Delivery    *delivery.DeliveryRecord
	DeliveryURL string // "" without the right to open the delivery page
	PDF, XML    *forms.DocumentInfo
	Attachments []forms.DocumentInfo
}

// application loads the path's application for pages with personal data:
// unknown or outside the person's area 404, without the permission or
// with the ministry's role only 403. It does not read personal data.
func (k *Pages) application(w http.ResponseWriter, r *http.Request) (*forms.Application, bool) {
	id := r.PathValue("aid")
	if id == "" || len(id) > 64 {
		k.NotFound(w, r)
		return nil, false
	}
	a, err := k.forms.Get(r.Context(), id)
	if errors.Is(err, forms.ErrNotFound) || (err == nil && !k.Allowed(r, a.TenantID, authz.ObjTenant, authz.Read)) {
		k.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		k.ServerError(w, r, err)
		return nil, false
	}
	if !k.personal(r, a.TenantID) {
		k.Forbidden(w, r, noPersonalData)
		return nil, false
	}
	return a, true
}

func (k *Pages) detailPage(w http.ResponseWriter, r *http.Request) {
	a, ok := k.application(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	t, err := k.Shell.Store.GetTenant(ctx, a.TenantID)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	data := &appDetailData{Tenant: t, Title: a.Title}
	if def, ok := k.forms.Registry().Get(a.Antragsstrecke, a.DefVersion); ok {
		data.Title = def.Title.In("de")
	}
	if k.delivery != nil && a.DeliveryID != "" && k.Allowed(r, a.TenantID, delivery.ObjDelivery, authz.Read) {
		rec, err := k.delivery.Get(ctx, a.DeliveryID, delivery.PermissionGuard(k.Authz, k.principal(r), delivery.ObjDelivery, authz.Read))
		switch {
		case errors.Is(err, tenant.ErrNotFound):
		case err != nil:
			k.ServerError(w, r, err)
			return
		default:
			data.Delivery, data.DeliveryURL = rec, "/admin/zustellung/eintrag/"+rec.ID
		}
	}
	// The answers last: reading them writes the audit entry, so it
	// happens only when the page can be shown.
	d, err := k.forms.OpenForStaff(ctx, a.ID, "de", k.guard(r))
	if errors.Is(err, forms.ErrNotFound) {
		k.NotFound(w, r)
		return
	}
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	data.A = d
	for i := range d.Documents {
		doc := &d.Documents[i]
		switch {
		case doc.Kind == forms.DocPDF && data.PDF == nil:
			data.PDF = doc
		case doc.Kind == forms.DocXML && data.XML == nil:
			data.XML = doc
		case doc.Kind == forms.DocAttachment:
			data.Attachments = append(data.Attachments, *doc)
		}
	}
	k.Render(w, r, http.StatusOK, "antraege-antrag", k.page(r, "Antrag "+d.Reference, data))
}

// Download serves the application's PDF (…/pdf) or its XSozial-basis
// message (…/xml).
func (k *Pages) Download(w http.ResponseWriter, r *http.Request) {
	switch r.PathValue("doc") {
	case "pdf":
		k.serveDocument(w, r, forms.DocPDF, "")
	case "xml":
		k.serveDocument(w, r, forms.DocXML, "")
	default:
		k.NotFound(w, r)
	}
}

// DownloadAttachment serves an upload of the citizen.
func (k *Pages) DownloadAttachment(w http.ResponseWriter, r *http.Request) {
	did := r.PathValue("did")
	if did == "" || len(did) > 64 {
		k.NotFound(w, r)
		return
	}
	k.serveDocument(w, r, forms.DocAttachment, did)
}

// serveDocument sends a document as an attachment that no browser renders
// or keeps; the store audits the download.
func (k *Pages) serveDocument(w http.ResponseWriter, r *http.Request, kind, docID string) {
	a, ok := k.application(w, r)
	if !ok {
		return
	}
	info, data, err := k.forms.DocumentForStaff(r.Context(), a.ID, kind, docID, k.guard(r))
	if errors.Is(err, forms.ErrNotFound) {
		k.ErrorPage(w, r, http.StatusNotFound, "Dokument nicht vorhanden", ui.ErrorData{Heading: "Dokument nicht vorhanden",
			Text: "Dieses Dokument gibt es nicht (mehr): Nach Ablauf der Aufbewahrungsfrist werden die Dokumente eines Antrags gelöscht.",
			Back: "/admin/antraege/antrag/" + a.ID, BackTo: "Zurück zum Antrag"})
		return
	}
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	ct := info.ContentType
	if kind == forms.DocXML {
		ct = "application/xml; charset=utf-8"
	}
	download.Write(w, ct, info.Name, data)
}
