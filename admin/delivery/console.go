package admin

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// deliveryConsole serves the pages of the delivery to the Fachverfahren:
// a municipality's deliveries with attempts and retry
// (/admin/zustellung/…), its mailbox of variant 2 (/admin/postfach/…,
// municipal staff only, every access audited), the connection test of an
// onboarding case (/admin/anbindungstest/…), the ministry's counts and the
// DVDV directory (/admin/dvdv).
type deliveryConsole struct {
	*Console
	svc *delivery.Service
	dir *dvdv.Directory
}

// RegisterDelivery adds the delivery pages to mux. Call it once at start,
// after New and before serving.
func (c *Console) RegisterDelivery(mux *http.ServeMux, svc *delivery.Service, dir *dvdv.Directory) error {
	if svc == nil || dir == nil {
		return errors.New("admin: delivery service and DVDV directory are required")
	}
	d := &deliveryConsole{Console: c, svc: svc, dir: dir}
	if err := c.addPages(d.parseTemplates()); err != nil {
		return err
	}
	mux.HandleFunc("GET /admin/zustellung", c.user(d.start))
	mux.HandleFunc("GET /admin/zustellung/{id}", c.user(d.listPage))
	mux.HandleFunc("GET /admin/zustellung/eintrag/{did}", c.user(d.detailPage))
	mux.HandleFunc("POST /admin/zustellung/eintrag/{did}/wiederholen", c.userForm(d.retry))
	mux.HandleFunc("GET /admin/postfach/{id}", c.user(d.mailboxPage))
	mux.HandleFunc("GET /admin/postfach/nachricht/{mid}", c.user(d.messagePage))
	mux.HandleFunc("GET /admin/postfach/nachricht/{mid}/datei/{pos}", c.user(d.download))
	mux.HandleFunc("POST /admin/postfach/nachricht/{mid}/abgeholt", c.userForm(d.pickup))
	mux.HandleFunc("GET /admin/anbindungstest/{cid}", c.user(d.testPage))
	mux.HandleFunc("POST /admin/anbindungstest/{cid}", c.userForm(d.runTest))
	mux.HandleFunc("GET /admin/dvdv", c.user(d.dvdvPage))
	mux.HandleFunc("POST /admin/dvdv", c.userForm(d.saveDVDV))
	mux.HandleFunc("POST /admin/dvdv/loeschen", c.userForm(d.deleteDVDV))
	return nil
}

func (d *deliveryConsole) parseTemplates() (map[string]*page, error) {
	base, err := template.New("layout").Funcs(d.funcs()).Funcs(deliveryFuncs()).Funcs(template.FuncMap{
		// strecke names an Antragsstrecke by its catalogue label (m13).
		"strecke": func(key string) string { return d.svc.Label(context.Background(), key) },
	}).ParseFS(templateFS,
		"templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("admin delivery templates: %w", err)
	}
	return parsePages(base, "templates/delivery/pages/*.html", "zustellung-")
}

// deliveryFuncs are the template functions of the delivery pages.
// deliveryBadge is the KERN badge of a delivery status.
func deliveryBadge(status string) string {
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
		"statusBadge":  deliveryBadge,
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
		"size": func(n int) string { return humanSize(int64(n)) },
	}
}

var deliveryNotices = map[string]string{
	"wiederholt": "Die Zustellung wurde neu eingeplant und wird in wenigen Sekunden versucht.",
	"abgeholt":   "Der Antrag ist als abgeholt vermerkt; die antragstellende Person sieht den neuen Stand.",
	"test":       "Der Anbindungstest wurde ausgeführt. Unten sehen Sie, wie weit der Testantrag kam.",
	"dvdv":       "Der DVDV-Eintrag wurde gespeichert.",
	"dvdv-weg":   "Der DVDV-Eintrag wurde gelöscht.",
}

func (d *deliveryConsole) page(r *http.Request, title string, data any) *view {
	return &view{Title: title, Nav: "zustellung", Notice: deliveryNotices[r.URL.Query().Get("hinweis")], Data: data}
}

func (d *deliveryConsole) principal(r *http.Request) authz.Principal {
	return authz.PrincipalFrom(r.Context())
}

// ministry reports whether the person may do act on obj in a Land.
func (d *deliveryConsole) ministry(r *http.Request, obj, act string) bool {
	for _, id := range d.authz.Tenants(d.principal(r), obj, act) {
		if d.authz.IsRoot(id) {
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

func (d *deliveryConsole) start(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	data := startData{Ministry: d.ministry(r, delivery.ObjStatistics, authz.Read), Mailbox: map[string]bool{}}
	if data.Ministry {
		stats, err := d.svc.Statistics(ctx, d.authz.Tenants(d.principal(r), delivery.ObjStatistics, authz.Read))
		if err != nil {
			d.serverError(w, r, err)
			return
		}
		data.Stats = stats
	}
	if u := userFrom(r); u != nil {
		ms, err := d.Console.store.Memberships(ctx, u.ID)
		if err != nil {
			d.serverError(w, r, err)
			return
		}
		var ids []string
		for _, m := range ms {
			if !d.authz.IsRoot(m.TenantID) && d.allowed(r, m.TenantID, delivery.ObjDelivery, authz.Read) {
				ids = append(ids, m.TenantID)
			}
		}
		if len(ids) > 0 {
			if data.Tenants, err = d.Console.store.ListTenants(ctx, tenant.TenantFilter{IDs: ids}); err != nil {
				d.serverError(w, r, err)
				return
			}
		}
		for _, id := range ids {
			data.Mailbox[id] = delivery.MayOpenMailbox(d.authz.Roles(d.principal(r), id))
		}
	}
	if !data.Ministry && len(data.Tenants) == 0 {
		d.forbidden(w, r, "")
		return
	}
	d.render(w, r, http.StatusOK, "zustellung-start", d.page(r, "Zustellung an die Fachverfahren", data))
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

func (d *deliveryConsole) listPage(w http.ResponseWriter, r *http.Request) {
	t, ok := d.tenantFor(w, r, delivery.ObjDelivery, authz.Read)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := delivery.Filter{Status: q.Get("status"), Query: cutText(q.Get("q"), 100), Purpose: q.Get("art")}
	if v, err := strconv.Atoi(q.Get("variante")); err == nil && v >= 0 && v <= 3 {
		f.Variant = v
	}
	if f.Purpose != "" && f.Purpose != "all" && f.Purpose != delivery.PurposeConnectionTest {
		f.Purpose = ""
	}
	items, err := d.svc.List(r.Context(), t.ID, f)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	failed, err := d.svc.FailedCounts(r.Context(), []string{t.ID})
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	d.render(w, r, http.StatusOK, "zustellung-liste", d.page(r, "Zustellungen: "+t.Name, listData{Tenant: t, Items: items, Filter: f, Failed: failed[t.ID],
		CanRetry: d.allowed(r, t.ID, delivery.ObjDelivery, authz.Update), CanMailbox: delivery.MayOpenMailbox(d.authz.Roles(d.principal(r), t.ID))}))
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

func (d *deliveryConsole) detailPage(w http.ResponseWriter, r *http.Request) {
	rec, err := d.svc.Get(r.Context(), r.PathValue("did"), delivery.PermissionGuard(d.authz, d.principal(r), delivery.ObjDelivery, authz.Read))
	if errors.Is(err, tenant.ErrNotFound) {
		d.notFound(w, r)
		return
	}
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	t, err := d.Console.store.GetTenant(r.Context(), rec.TenantID)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	d.render(w, r, http.StatusOK, "zustellung-eintrag", d.page(r, "Zustellung "+rec.ReferenceNumber, detailData{D: rec, Tenant: t,
		CanRetry: d.allowed(r, rec.TenantID, delivery.ObjDelivery, authz.Update)}))
}

func (d *deliveryConsole) retry(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("did")
	rec, err := d.svc.Retry(r.Context(), id, delivery.PermissionGuard(d.authz, d.principal(r), delivery.ObjDelivery, authz.Update))
	switch {
	case errors.Is(err, tenant.ErrNotFound):
		d.notFound(w, r)
	case errors.Is(err, tenant.ErrConflict):
		d.errorPage(w, r, http.StatusConflict, "Nicht wiederholt", errorData{Heading: "Nicht wiederholt", Text: err.Error(),
			Back: "/admin/zustellung/eintrag/" + id, BackTo: "Zurück zur Zustellung"})
	case err != nil:
		d.serverError(w, r, err)
	default:
		seeOther(w, r, "/admin/zustellung/eintrag/"+rec.ID, "wiederholt")
	}
}

// ------------------------------------------------------------- mailbox

// mailboxTenant loads the path's tenant for the mailbox: municipal staff
// with the permission only.
func (d *deliveryConsole) mailboxTenant(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, bool) {
	t, ok := d.tenantFor(w, r, delivery.ObjMailbox, authz.Read)
	if !ok {
		return nil, false
	}
	if !delivery.MayOpenMailbox(d.authz.Roles(d.principal(r), t.ID)) {
		d.forbidden(w, r, "Das Postfach ist den Beschäftigten der Kommune vorbehalten (Sozialgeheimnis).")
		return nil, false
	}
	return t, true
}

type mailboxData struct {
	Tenant *tenant.Tenant
	Items  []delivery.MailboxMessage
	Filter delivery.MailboxFilter
}

func (d *deliveryConsole) mailboxPage(w http.ResponseWriter, r *http.Request) {
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
		d.serverError(w, r, err)
		return
	}
	d.render(w, r, http.StatusOK, "zustellung-postfach", d.page(r, "Postfach: "+t.Name, mailboxData{Tenant: t, Items: items, Filter: f}))
}

type messageData struct {
	M         *delivery.MailboxMessage
	CanPickUp bool
}

func (d *deliveryConsole) messagePage(w http.ResponseWriter, r *http.Request) {
	p := d.principal(r)
	m, err := d.svc.OpenMailboxMessage(r.Context(), r.PathValue("mid"), delivery.MailboxGuard(d.authz, p, authz.Read))
	if errors.Is(err, tenant.ErrNotFound) {
		d.notFound(w, r)
		return
	}
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	d.render(w, r, http.StatusOK, "zustellung-nachricht", d.page(r, "Antrag "+m.ReferenceNumber, messageData{M: m,
		CanPickUp: d.allowed(r, m.TenantID, delivery.ObjMailbox, authz.Update)}))
}

func (d *deliveryConsole) download(w http.ResponseWriter, r *http.Request) {
	pos, err := strconv.Atoi(r.PathValue("pos"))
	if err != nil || pos < 0 {
		d.notFound(w, r)
		return
	}
	f, err := d.svc.MailboxFile(r.Context(), r.PathValue("mid"), "", pos, delivery.MailboxGuard(d.authz, d.principal(r), authz.Read))
	if errors.Is(err, tenant.ErrNotFound) {
		d.notFound(w, r)
		return
	}
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	writeDownload(w, f.ContentType, f.Name, f.Data)
}

func (d *deliveryConsole) pickup(w http.ResponseWriter, r *http.Request) {
	m, err := d.svc.PickUp(r.Context(), r.PathValue("mid"), delivery.MailboxGuard(d.authz, d.principal(r), authz.Update))
	if errors.Is(err, tenant.ErrNotFound) {
		d.notFound(w, r)
		return
	}
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	seeOther(w, r, "/admin/postfach/nachricht/"+m.ID, "abgeholt")
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
func (d *deliveryConsole) testCase(w http.ResponseWriter, r *http.Request, act string) (string, *tenant.Tenant, bool) {
	cid := r.PathValue("cid")
	tid, err := d.svc.CaseTenant(r.Context(), cid)
	if errors.Is(err, tenant.ErrNotFound) || (err == nil && !d.allowed(r, tid, delivery.ObjConnectionTest, authz.Read)) {
		d.notFound(w, r)
		return "", nil, false
	}
	if err != nil {
		d.serverError(w, r, err)
		return "", nil, false
	}
	if !d.allowed(r, tid, delivery.ObjConnectionTest, act) {
		d.forbidden(w, r, "Den Anbindungstest startet die Administration der Kommune.")
		return "", nil, false
	}
	t, err := d.Console.store.GetTenant(r.Context(), tid)
	if err != nil {
		d.serverError(w, r, err)
		return "", nil, false
	}
	return cid, t, true
}

func (d *deliveryConsole) testPage(w http.ResponseWriter, r *http.Request) {
	cid, t, ok := d.testCase(w, r, authz.Read)
	if !ok {
		return
	}
	test, err := d.svc.LatestConnectionTest(r.Context(), cid)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	d.render(w, r, http.StatusOK, "zustellung-anbindungstest", d.page(r, "Anbindungstest", testData{CaseID: cid, Tenant: t, Test: test,
		CanRun: d.allowed(r, t.ID, delivery.ObjConnectionTest, authz.Create)}))
}

func (d *deliveryConsole) runTest(w http.ResponseWriter, r *http.Request) {
	cid, _, ok := d.testCase(w, r, authz.Create)
	if !ok {
		return
	}
	_, err := d.svc.RunConnectionTest(r.Context(), cid, 15*time.Second)
	if errors.Is(err, delivery.ErrNoRoute) {
		d.errorPage(w, r, http.StatusConflict, "Anbindungstest nicht möglich", errorData{Heading: "Anbindungstest nicht möglich",
			Text: "Für diese Antragsstrecke ist noch keine Anbindung eingerichtet: Bitte wählen Sie die Anbindungsvariante und tragen Sie die Anbindungsdaten im Fall ein.",
			Back: "/admin/anbindung/fall/" + cid, BackTo: "Zum Fall"})
		return
	}
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	seeOther(w, r, "/admin/anbindungstest/"+cid, "test")
}

// ----------------------------------------------------------------- DVDV

type dvdvData struct {
	Entries []dvdv.DirectoryEntry
	Form    *form
	Edit    string
}

func (d *deliveryConsole) dvdvPage(w http.ResponseWriter, r *http.Request) {
	d.renderDVDV(w, r, http.StatusOK, newForm(), r.URL.Query().Get("bearbeiten"))
}

func (d *deliveryConsole) renderDVDV(w http.ResponseWriter, r *http.Request, status int, f *form, edit string) {
	if !d.ministry(r, delivery.ObjDVDV, authz.Read) {
		d.forbidden(w, r, "Das DVDV-Verzeichnis pflegt das Ministerium.")
		return
	}
	entries, err := d.dir.List(r.Context())
	if err != nil {
		d.serverError(w, r, err)
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
	d.render(w, r, status, "zustellung-dvdv", d.page(r, "DVDV-Verzeichnis", dvdvData{Entries: entries, Form: f, Edit: edit}))
}

func (d *deliveryConsole) auditTenant(r *http.Request, act string) string {
	for _, id := range d.authz.Tenants(d.principal(r), delivery.ObjDVDV, act) {
		if d.authz.IsRoot(id) {
			return id
		}
	}
	return ""
}

func (d *deliveryConsole) saveDVDV(w http.ResponseWriter, r *http.Request) {
	if !d.ministry(r, delivery.ObjDVDV, authz.Update) {
		d.forbidden(w, r, "Das DVDV-Verzeichnis pflegt das Ministerium.")
		return
	}
	f := newForm()
	kennung := f.text(r, "kennung", 80)
	name := f.text(r, "name", 200)
	endpoint := f.text(r, "endpoint", 500)
	cert := f.multiline(r, "certificate", 65536)
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	f.Values["version"] = strconv.Itoa(version)
	active := r.PostForm.Get("active") == "true"
	f.Values["active"] = strconv.FormatBool(active)
	if len(f.Errors) == 0 {
		_, err := d.dir.Put(r.Context(), d.auditTenant(r, authz.Update), kennung, version, dvdv.Input{Name: name, Endpoint: endpoint, Certificate: cert, Active: active})
		var fe tenant.FieldErrors
		switch {
		case err == nil:
			seeOther(w, r, "/admin/dvdv", "dvdv")
			return
		case errors.As(err, &fe):
			for _, e := range fe {
				f.Add(e.Field, e.Message)
			}
		case errors.Is(err, tenant.ErrConflict):
			f.Alert = "Für diese Behördenkennung gibt es schon einen Eintrag. Bitte bearbeiten Sie ihn in der Liste."
		case errors.Is(err, tenant.ErrStaleVersion), errors.Is(err, tenant.ErrNotFound):
			f.Alert = "Der Eintrag wurde zwischenzeitlich geändert oder gelöscht. Bitte laden Sie die Seite neu."
		default:
			d.serverError(w, r, err)
			return
		}
	}
	d.renderDVDV(w, r, http.StatusUnprocessableEntity, f, kennung)
}

func (d *deliveryConsole) deleteDVDV(w http.ResponseWriter, r *http.Request) {
	if !d.ministry(r, delivery.ObjDVDV, authz.Delete) {
		d.forbidden(w, r, "Das DVDV-Verzeichnis pflegt das Ministerium.")
		return
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	err := d.dir.Delete(r.Context(), d.auditTenant(r, authz.Delete), r.PostForm.Get("kennung"), version)
	switch {
	case err == nil:
		seeOther(w, r, "/admin/dvdv", "dvdv-weg")
	case errors.Is(err, tenant.ErrNotFound), errors.Is(err, tenant.ErrStaleVersion):
		d.renderDVDV(w, r, http.StatusConflict, &form{Values: map[string]string{},
			Alert: "Der Eintrag wurde zwischenzeitlich geändert oder gelöscht. Bitte laden Sie die Seite neu."}, "")
	default:
		d.serverError(w, r, err)
	}
}
