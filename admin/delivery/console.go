package delivery

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"sozialplattform/admin/ui"
	"strconv"
	"time"

	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/download"
)

// Pages serves the pages of the delivery to the Fachverfahren:
// a municipality's deliveries with attempts and retry
// (/admin/zustellung/…), its mailbox of variant 2 (/admin/postfach/…,
// municipal staff only, every access audited), the connection test of an
// onboarding case (/admin/anbindungstest/…), the ministry's counts and the
// DVDV directory (/admin/dvdv).
type Pages struct {
	*ui.Shell
	svc *delivery.Service
	dir *dvdv.Directory
}

//go:embed templates
var templateFS embed.FS

// New returns the delivery pages. Call it once at start, before serving:
// it adds their templates (page names with the prefix "zustellung-") to
// the shell's set.
func New(s *ui.Shell, svc *delivery.Service, dir *dvdv.Directory) (*Pages, error) {
	if svc == nil || dir == nil {
		return nil, errors.New("admin: delivery service and DVDV directory are required")
	}
	d := &Pages{Shell: s, svc: svc, dir: dir}
	funcs := deliveryFuncs()
	// strecke names an Antragsstrecke by its catalogue label (m13).
	funcs["strecke"] = func(key string) string { return d.svc.Label(context.Background(), key) }
	if err := s.AddPages(templateFS, funcs, nil, "templates/pages/*.html", "zustellung-"); err != nil {
		return nil, err
	}
	return d, nil
}

// deliveryFuncs are the template functions of the delivery pages.
// Badge is the KERN badge of a delivery status (also on the applications' pages).
func Badge(status string) string {
	switch status {
	case delivery.StatusAccepted, delivery.StatusPickedUp:
		return "kern-badge--success"
	case delivery.StatusSent:
		return "kern-badge--info"
	case delivery.StatusFailed, delivery.StatusRejected:
		return "kern-badge--danger"
	}
	return "kern-badge--warning"
}

func deliveryFuncs() template.FuncMap {
	return template.FuncMap{
		"statusLabel":  delivery.StatusLabel,
		"variantLabel": delivery.VariantLabel,
		"statuses":     delivery.Statuses,
		"statusBadge":  Badge,
		"stepBadge": func(s string) string {
			switch s {
			case "done":
				return "kern-badge--success"
			case "failed":
				return "kern-badge--danger"
			case "retrying":
				return "kern-badge--warning"
			}
			return "kern-badge--info"
		},
		"stepState": func(s string) string {
			switch s {
			case "done":
				return "erledigt"
			case "failed":
				return "gescheitert"
			case "retrying":
				return "Fehler, wird wiederholt"
			}
			return "ausstehend"
		},
		"size": func(n int) string { return ui.HumanSize(int64(n)) },
	}
}

func (d *Pages) page(r *http.Request, title string, data any) *ui.View {
	return &ui.View{Title: title, Nav: "zustellung", Notice: ui.Notice(r, "delivery"), Data: data}
}

func (d *Pages) principal(r *http.Request) authz.Principal {
	return authz.PrincipalFrom(r.Context())
}

// ministry reports whether the person may do act on obj in a Land.
func (d *Pages) ministry(r *http.Request, obj, act string) bool {
	for _, id := range d.Authz.Tenants(d.principal(r), obj, act) {
		if d.Authz.IsRoot(id) {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------- start

type startData struct {
	Ministry bool
	Stats    []delivery.DeliveryCounts
	Tenants  []tenant.Tenant
	Mailbox  map[string]bool
}

func (d *Pages) Start(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	data := startData{Ministry: d.ministry(r, delivery.ObjStatistics, authz.Read), Mailbox: map[string]bool{}}
	if data.Ministry {
		stats, err := d.svc.Statistics(ctx, d.Authz.Tenants(d.principal(r), delivery.ObjStatistics, authz.Read))
		if err != nil {
			d.ServerError(w, r, err)
			return
		}
		data.Stats = stats
	}
	if u := ui.UserFrom(r); u != nil {
		ms, err := d.Shell.Store.Memberships(ctx, u.ID)
		if err != nil {
			d.ServerError(w, r, err)
			return
		}
		var ids []string
		for _, m := range ms {
			if !d.Authz.IsRoot(m.TenantID) && d.Allowed(r, m.TenantID, delivery.ObjDelivery, authz.Read) {
				ids = append(ids, m.TenantID)
			}
		}
		if len(ids) > 0 {
			if data.Tenants, err = d.Shell.Store.ListTenants(ctx, tenant.TenantFilter{IDs: ids}); err != nil {
				d.ServerError(w, r, err)
				return
			}
		}
		for _, id := range ids {
			data.Mailbox[id] = delivery.MayOpenMailbox(d.Authz.Roles(d.principal(r), id))
		}
	}
	if !data.Ministry && len(data.Tenants) == 0 {
		d.Forbidden(w, r, "")
		return
	}
	d.Render(w, r, http.StatusOK, "zustellung-start", d.page(r, "Zustellung an die Fachverfahren", data))
}

// ---------------------------------------------------------- deliveries

type listData struct {
	Tenant     *tenant.Tenant
	Failed     int // failed or rejected applications waiting for the municipality
	Items      []delivery.DeliveryRecord
	Filter     delivery.Filter
	CanRetry   bool
	CanMailbox bool
}

func (d *Pages) ListPage(w http.ResponseWriter, r *http.Request) {
	t, ok := d.TenantFor(w, r, delivery.ObjDelivery, authz.Read)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := delivery.Filter{Status: q.Get("status"), Query: cutText(q.Get("q"), 100), Purpose: q.Get("art"),
		Antragsstrecke: cutText(q.Get("strecke"), 40)}
	if v, err := strconv.Atoi(q.Get("variante")); err == nil && v >= 0 && v <= 3 {
		f.Variant = v
	}
	if f.Purpose != "" && f.Purpose != "all" && f.Purpose != delivery.PurposeConnectionTest {
		f.Purpose = ""
	}
	items, err := d.svc.List(r.Context(), t.ID, f)
	if err != nil {
		d.ServerError(w, r, err)
		return
	}
	failed, err := d.svc.FailedCounts(r.Context(), []string{t.ID})
	if err != nil {
		d.ServerError(w, r, err)
		return
	}
	d.Render(w, r, http.StatusOK, "zustellung-liste", d.page(r, "Zustellungen: "+t.Name, listData{Tenant: t, Items: items, Filter: f, Failed: failed[t.ID],
		CanRetry: d.Allowed(r, t.ID, delivery.ObjDelivery, authz.Update), CanMailbox: delivery.MayOpenMailbox(d.Authz.Roles(d.principal(r), t.ID))}))
}

func cutText(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

type detailData struct {
	D        *delivery.DeliveryRecord
	Tenant   *tenant.Tenant
	CanRetry bool
}

func (d *Pages) DetailPage(w http.ResponseWriter, r *http.Request) {
	rec, err := d.svc.Get(r.Context(), r.PathValue("did"), delivery.PermissionGuard(d.Authz, d.principal(r), delivery.ObjDelivery, authz.Read))
	if errors.Is(err, tenant.ErrNotFound) {
		d.NotFound(w, r)
		return
	}
	if err != nil {
		d.ServerError(w, r, err)
		return
	}
	t, err := d.Shell.Store.GetTenant(r.Context(), rec.TenantID)
	if err != nil {
		d.ServerError(w, r, err)
		return
	}
	d.Render(w, r, http.StatusOK, "zustellung-eintrag", d.page(r, "Zustellung "+rec.ReferenceNumber, detailData{D: rec, Tenant: t,
		CanRetry: d.Allowed(r, rec.TenantID, delivery.ObjDelivery, authz.Update)}))
}

func (d *Pages) Retry(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("did")
	rec, err := d.svc.Retry(r.Context(), id, delivery.PermissionGuard(d.Authz, d.principal(r), delivery.ObjDelivery, authz.Update))
	switch {
	case errors.Is(err, tenant.ErrNotFound):
		d.NotFound(w, r)
	case errors.Is(err, tenant.ErrConflict):
		d.ErrorPage(w, r, http.StatusConflict, "Nicht wiederholt", ui.ErrorData{Heading: "Nicht wiederholt", Text: err.Error(),
			Back: "/admin/zustellung/eintrag/" + id, BackTo: "Zurück zur Zustellung"})
	case err != nil:
		d.ServerError(w, r, err)
	default:
		ui.SeeOther(w, r, "/admin/zustellung/eintrag/"+rec.ID, "wiederholt")
	}
}

// ------------------------------------------------------------- mailbox

// mailboxTenant loads the path's tenant for the mailbox: municipal staff
// with the permission only.
func (d *Pages) mailboxTenant(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, bool) {
	t, ok := d.TenantFor(w, r, delivery.ObjMailbox, authz.Read)
	if !ok {
		return nil, false
	}
	if !delivery.MayOpenMailbox(d.Authz.Roles(d.principal(r), t.ID)) {
		d.Forbidden(w, r, "Das Postfach ist den Beschäftigten der Kommune vorbehalten (Sozialgeheimnis).")
		return nil, false
	}
	return t, true
}

type mailboxData struct {
	Tenant *tenant.Tenant
	Items  []delivery.MailboxMessage
	Filter delivery.MailboxFilter
}

func (d *Pages) MailboxPage(w http.ResponseWriter, r *http.Request) {
	t, ok := d.mailboxTenant(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := delivery.MailboxFilter{Status: q.Get("status"), Antragsstrecke: cutText(q.Get("strecke"), 40), Query: cutText(q.Get("q"), 100),
		IncludeTests: q.Get("tests") == "1"}
	if f.Status != "new" && f.Status != "picked-up" {
		f.Status = ""
	}
	items, err := d.svc.ListMailbox(r.Context(), t.ID, f)
	if err != nil {
		d.ServerError(w, r, err)
		return
	}
	d.Render(w, r, http.StatusOK, "zustellung-postfach", d.page(r, "Postfach: "+t.Name, mailboxData{Tenant: t, Items: items, Filter: f}))
}

type messageData struct {
	M         *delivery.MailboxMessage
	CanPickUp bool
}

func (d *Pages) MessagePage(w http.ResponseWriter, r *http.Request) {
	p := d.principal(r)
	m, err := d.svc.OpenMailboxMessage(r.Context(), r.PathValue("mid"), delivery.MailboxGuard(d.Authz, p, authz.Read))
	if errors.Is(err, tenant.ErrNotFound) {
		d.NotFound(w, r)
		return
	}
	if err != nil {
		d.ServerError(w, r, err)
		return
	}
	d.Render(w, r, http.StatusOK, "zustellung-nachricht", d.page(r, "Antrag "+m.ReferenceNumber, messageData{M: m,
		CanPickUp: d.Allowed(r, m.TenantID, delivery.ObjMailbox, authz.Update)}))
}

func (d *Pages) Download(w http.ResponseWriter, r *http.Request) {
	pos, err := strconv.Atoi(r.PathValue("pos"))
	if err != nil || pos < 0 {
		d.NotFound(w, r)
		return
	}
	f, err := d.svc.MailboxFile(r.Context(), r.PathValue("mid"), "", pos, delivery.MailboxGuard(d.Authz, d.principal(r), authz.Read))
	if errors.Is(err, tenant.ErrNotFound) {
		d.NotFound(w, r)
		return
	}
	if err != nil {
		d.ServerError(w, r, err)
		return
	}
	download.Write(w, f.ContentType, f.Name, f.Data)
}

func (d *Pages) Pickup(w http.ResponseWriter, r *http.Request) {
	m, err := d.svc.PickUp(r.Context(), r.PathValue("mid"), delivery.MailboxGuard(d.Authz, d.principal(r), authz.Update))
	if errors.Is(err, tenant.ErrNotFound) {
		d.NotFound(w, r)
		return
	}
	if err != nil {
		d.ServerError(w, r, err)
		return
	}
	ui.SeeOther(w, r, "/admin/postfach/nachricht/"+m.ID, "abgeholt")
}

// ---------------------------------------------------------- self-test

type testData struct {
	CaseID string
	Tenant *tenant.Tenant
	Test   *delivery.ConnectionTest
	CanRun bool
}

// testCase resolves the case's tenant and checks act; another tenant's
// case is not found.
func (d *Pages) testCase(w http.ResponseWriter, r *http.Request, act string) (string, *tenant.Tenant, bool) {
	cid := r.PathValue("cid")
	tid, err := d.svc.CaseTenant(r.Context(), cid)
	if errors.Is(err, tenant.ErrNotFound) || (err == nil && !d.Allowed(r, tid, delivery.ObjConnectionTest, authz.Read)) {
		d.NotFound(w, r)
		return "", nil, false
	}
	if err != nil {
		d.ServerError(w, r, err)
		return "", nil, false
	}
	if !d.Allowed(r, tid, delivery.ObjConnectionTest, act) {
		d.Forbidden(w, r, "Den Anbindungstest startet die Administration der Kommune.")
		return "", nil, false
	}
	t, err := d.Shell.Store.GetTenant(r.Context(), tid)
	if err != nil {
		d.ServerError(w, r, err)
		return "", nil, false
	}
	return cid, t, true
}

func (d *Pages) TestPage(w http.ResponseWriter, r *http.Request) {
	cid, t, ok := d.testCase(w, r, authz.Read)
	if !ok {
		return
	}
	test, err := d.svc.LatestConnectionTest(r.Context(), cid)
	if err != nil {
		d.ServerError(w, r, err)
		return
	}
	d.Render(w, r, http.StatusOK, "zustellung-anbindungstest", d.page(r, "Anbindungstest", testData{CaseID: cid, Tenant: t, Test: test,
		CanRun: d.Allowed(r, t.ID, delivery.ObjConnectionTest, authz.Create)}))
}

func (d *Pages) RunTest(w http.ResponseWriter, r *http.Request) {
	cid, _, ok := d.testCase(w, r, authz.Create)
	if !ok {
		return
	}
	_, err := d.svc.RunConnectionTest(r.Context(), cid, 15*time.Second)
	if errors.Is(err, delivery.ErrNoRoute) {
		d.ErrorPage(w, r, http.StatusConflict, "Anbindungstest nicht möglich", ui.ErrorData{Heading: "Anbindungstest nicht möglich",
			Text: "Für diese Antragsstrecke ist noch keine Anbindung eingerichtet: Bitte wählen Sie die Anbindungsvariante und tragen Sie die Anbindungsdaten im Fall ein.",
			Back: "/admin/anbindung/fall/" + cid, BackTo: "Zum Fall"})
		return
	}
	if err != nil {
		d.ServerError(w, r, err)
		return
	}
	ui.SeeOther(w, r, "/admin/anbindungstest/"+cid, "test")
}

// ----------------------------------------------------------------- DVDV

type dvdvData struct {
	Entries []dvdv.DirectoryEntry
	Form    *ui.Form
	Edit    string
}

func (d *Pages) DvdvPage(w http.ResponseWriter, r *http.Request) {
	d.renderDVDV(w, r, http.StatusOK, ui.NewForm(), r.URL.Query().Get("bearbeiten"))
}

func (d *Pages) renderDVDV(w http.ResponseWriter, r *http.Request, status int, f *ui.Form, edit string) {
	if !d.ministry(r, delivery.ObjDVDV, authz.Read) {
		d.Forbidden(w, r, "Das DVDV-Verzeichnis pflegt das Ministerium.")
		return
	}
	entries, err := d.dir.List(r.Context())
	if err != nil {
		d.ServerError(w, r, err)
		return
	}
	if edit != "" && len(f.Values) == 0 {
		for _, e := range entries {
			if e.Kennung == edit {
				f.Values = map[string]string{"kennung": e.Kennung, "name": e.Name, "endpoint": e.Endpoint, "certificate": e.Certificate,
					"version": strconv.Itoa(e.Version), "active": strconv.FormatBool(e.Active)}
			}
		}
	}
	d.Render(w, r, status, "zustellung-dvdv", d.page(r, "DVDV-Verzeichnis", dvdvData{Entries: entries, Form: f, Edit: edit}))
}

func (d *Pages) auditTenant(r *http.Request, act string) string {
	for _, id := range d.Authz.Tenants(d.principal(r), delivery.ObjDVDV, act) {
		if d.Authz.IsRoot(id) {
			return id
		}
	}
	return ""
}

func (d *Pages) SaveDVDV(w http.ResponseWriter, r *http.Request) {
	if !d.ministry(r, delivery.ObjDVDV, authz.Update) {
		d.Forbidden(w, r, "Das DVDV-Verzeichnis pflegt das Ministerium.")
		return
	}
	f := ui.NewForm()
	kennung := f.Text(r, "kennung", 80)
	name := f.Text(r, "name", 200)
	endpoint := f.Text(r, "endpoint", 500)
	cert := f.LongText(r, "certificate", 65536)
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	f.Values["version"] = strconv.Itoa(version)
	active := r.PostForm.Get("active") == "true"
	f.Values["active"] = strconv.FormatBool(active)
	if len(f.Errors) == 0 {
		_, err := d.dir.Put(r.Context(), d.auditTenant(r, authz.Update), kennung, version, dvdv.Input{Name: name, Endpoint: endpoint, Certificate: cert, Active: active})
		var fe tenant.FieldErrors
		switch {
		case err == nil:
			ui.SeeOther(w, r, "/admin/dvdv", "dvdv")
			return
		case errors.As(err, &fe):
			for _, e := range fe {
				f.Add(e.Field, ui.FieldText(e))
			}
		case errors.Is(err, tenant.ErrConflict):
			f.Alert = "Für diese Behördenkennung gibt es schon einen Eintrag. Bitte bearbeiten Sie ihn in der Liste."
		case errors.Is(err, tenant.ErrStaleVersion), errors.Is(err, tenant.ErrNotFound):
			f.Alert = "Der Eintrag wurde zwischenzeitlich geändert oder gelöscht. Bitte laden Sie die Seite neu."
		default:
			d.ServerError(w, r, err)
			return
		}
	}
	d.renderDVDV(w, r, http.StatusUnprocessableEntity, f, kennung)
}

func (d *Pages) DeleteDVDV(w http.ResponseWriter, r *http.Request) {
	if !d.ministry(r, delivery.ObjDVDV, authz.Delete) {
		d.Forbidden(w, r, "Das DVDV-Verzeichnis pflegt das Ministerium.")
		return
	}
	if !d.Confirmed(w, r, ui.Confirmation{Heading: "DVDV-Eintrag löschen?",
		Text:   "Der Eintrag " + r.PostForm.Get("kennung") + " wird gelöscht; Anträge an diese Behördenkennung lassen sich dann nicht mehr über OSCI zustellen.",
		Button: "Ja, löschen", Back: "/admin/dvdv"}) {
		return
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	err := d.dir.Delete(r.Context(), d.auditTenant(r, authz.Delete), r.PostForm.Get("kennung"), version)
	switch {
	case err == nil:
		ui.SeeOther(w, r, "/admin/dvdv", "dvdv-weg")
	case errors.Is(err, tenant.ErrNotFound), errors.Is(err, tenant.ErrStaleVersion):
		d.renderDVDV(w, r, http.StatusConflict, &ui.Form{Values: map[string]string{},
			Alert: "Der Eintrag wurde zwischenzeitlich geändert oder gelöscht. Bitte laden Sie die Seite neu."}, "")
	default:
		d.ServerError(w, r, err)
	}
}
