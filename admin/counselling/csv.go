package admin

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"sozialplattform/portal/counselling"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/web"
)

// exportCSV sends the entries the person may read below the tenant
// ?unter= (all of them without) as CSV.
func (k *counsellingConsole) exportCSV(w http.ResponseWriter, r *http.Request) {
	f := counselling.ListFilter{TenantIDs: k.authz.Tenants(principal(r), counselling.ObjCentre, authz.Read)}
	if under := r.URL.Query().Get("unter"); under != "" {
		if len(under) > 64 || !k.allowed(r, under, counselling.ObjCentre, authz.Read) {
			k.notFound(w, r)
			return
		}
		f.Below = k.authz.Subtree(under)
	}
	var buf bytes.Buffer
	if err := k.dir.ExportCSV(r.Context(), &buf, f); err != nil {
		k.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="beratungsstellen.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// importData fills the import page.
type importData struct {
	Form    *form
	Parents []option
	Report  *counselling.ImportReport
	Columns []string
}

func (k *counsellingConsole) importForm(w http.ResponseWriter, r *http.Request) {
	f := newForm()
	f.Set("modus", "gueltige")
	k.renderImport(w, r, http.StatusOK, f, nil)
}

func (k *counsellingConsole) renderImport(w http.ResponseWriter, r *http.Request, status int, f *form, rep *counselling.ImportReport) {
	parents, err := k.parentOptions(r)
	if err != nil {
		k.serverError(w, r, err)
		return
	}
	if len(parents) == 0 {
		k.forbidden(w, r, "Den Import nutzen das Ministerium und die Kommunen.")
		return
	}
	title := "Beratungsstellen importieren"
	if f.Invalid() {
		title = "Fehler: " + title
	}
	k.render(w, r, status, "beratung-import", k.page(r, title, "beratung", importData{Form: f, Parents: parents, Report: rep, Columns: counselling.CSVColumns}))
}

// importUpload takes the uploaded CSV (multipart, so it checks login and
// form token itself) and shows the report.
func (k *counsellingConsole) importUpload(w http.ResponseWriter, r *http.Request) {
	r, ok := k.requireLogin(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, counselling.MaxCSVBytes+32<<10)
	if err := r.ParseMultipartForm(counselling.MaxCSVBytes + 32<<10); err != nil {
		status, text := http.StatusBadRequest, "Das Formular konnte nicht gelesen werden. Bitte versuchen Sie es erneut."
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			status, text = http.StatusRequestEntityTooLarge, "Die Datei ist zu groß (höchstens 1 MB). Bitte teilen Sie sie auf."
		}
		k.errorPage(w, r, status, "Nicht importiert", errorData{Heading: "Nicht importiert", Text: text, Back: "/admin/beratung/import", BackTo: "Zurück zum Import"})
		return
	}
	if !web.CSRFTokenValid(k.auth.CSRFToken(r), r.PostFormValue("csrf")) {
		k.errorPage(w, r, http.StatusForbidden, "Formular abgelaufen", errorData{Heading: "Formular abgelaufen",
			Text: "Aus Sicherheitsgründen wurde das Formular nicht verarbeitet. Bitte laden Sie die Seite neu und senden Sie es noch einmal.",
			Back: "/admin/beratung/import", BackTo: "Seite neu laden"})
		return
	}
	parents, err := k.parentOptions(r)
	if err != nil {
		k.serverError(w, r, err)
		return
	}
	f := newForm()
	r.PostForm = r.MultipartForm.Value
	parent := f.choice(r, "parent", parents, "Bitte wählen Sie die Körperschaft, unter der neue Beratungsstellen angelegt werden.")
	mode := r.PostForm.Get("modus")
	f.Set("modus", mode)
	if r.PostForm.Get("probe") == "1" {
		f.Set("probe", "1")
	}
	var data []byte
	if fh := r.MultipartForm.File["datei"]; len(fh) == 1 {
		file, err := fh[0].Open()
		if err == nil {
			data, err = io.ReadAll(io.LimitReader(file, counselling.MaxCSVBytes+1))
			file.Close()
		}
		if err != nil {
			k.serverError(w, r, err)
			return
		}
	} else {
		f.Add("datei", "Bitte wählen Sie eine CSV-Datei.")
	}
	if f.Invalid() {
		k.renderImport(w, r, http.StatusUnprocessableEntity, f, nil)
		return
	}
	p := principal(r)
	rep, err := k.dir.ImportCSV(r.Context(), data, counselling.ImportOptions{
		Parent:       parent,
		MayCreate:    func(id string) bool { return k.authz.Allowed(p, id, counselling.ObjCentre, authz.Create) },
		MayUpdate:    func(id string) bool { return k.authz.Allowed(p, id, counselling.ObjCentre, authz.Update) },
		Direct:       k.authz.Allowed(p, parent, counselling.ObjReview, authz.Update),
		AllOrNothing: mode == "alles", DryRun: r.PostForm.Get("probe") == "1",
	})
	var file *counselling.ErrCSVFile
	if errors.As(err, &file) {
		f.Add("datei", file.Msg)
		k.renderImport(w, r, http.StatusUnprocessableEntity, f, nil)
		return
	}
	if err != nil {
		k.serverError(w, r, err)
		return
	}
	status := http.StatusOK
	if len(rep.Rejected) > 0 {
		status = http.StatusUnprocessableEntity
	}
	k.renderImport(w, r, status, f, rep)
}
