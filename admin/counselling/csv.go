package counselling

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"sozialplattform/admin/ui"

	"sozialplattform/portal/counselling"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/download"
	"sozialplattform/tenant/web"
)

// ExportCSV sends the entries the person may read below the tenant
// ?unter= (all of them without) as CSV.
func (k *Pages) ExportCSV(w http.ResponseWriter, r *http.Request) {
	f := counselling.ListFilter{TenantIDs: k.Authz.Tenants(principal(r), counselling.ObjCentre, authz.Read)}
	if under := r.URL.Query().Get("unter"); under != "" {
		if len(under) > 64 || !k.Allowed(r, under, counselling.ObjCentre, authz.Read) {
			k.NotFound(w, r)
			return
		}
		f.Below = k.Authz.Subtree(under)
	}
	var buf bytes.Buffer
	if err := k.dir.ExportCSV(r.Context(), &buf, f); err != nil {
		k.ServerError(w, r, err)
		return
	}
	download.Write(w, "text/csv; charset=utf-8", "beratungsstellen.csv", buf.Bytes())
}

// importData fills the import page.
type importData struct {
	Form    *ui.Form
	Parents []ui.Option
	Report  *counselling.ImportReport
	Columns []string
}

func (k *Pages) ImportForm(w http.ResponseWriter, r *http.Request) {
	f := ui.NewForm()
	f.Set("modus", "gueltige")
	k.renderImport(w, r, http.StatusOK, f, nil)
}

func (k *Pages) renderImport(w http.ResponseWriter, r *http.Request, status int, f *ui.Form, rep *counselling.ImportReport) {
	parents, err := k.parentOptions(r)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	if len(parents) == 0 {
		k.Forbidden(w, r, "Den Import nutzen das Ministerium und die Kommunen.")
		return
	}
	title := "Beratungsstellen importieren"
	if f.Invalid() {
		title = "Fehler: " + title
	}
	k.Render(w, r, status, "beratung-import", k.page(r, title, "beratung", importData{Form: f, Parents: parents, Report: rep, Columns: counselling.CSVColumns}))
}

// ImportUpload takes the uploaded CSV (multipart, so it checks the form
// token itself once the body is read; the route table requires the login)
// and shows the report.
func (k *Pages) ImportUpload(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(counselling.MaxCSVBytes + 32<<10); err != nil {
		status, text := http.StatusBadRequest, "Das Formular konnte nicht gelesen werden. Bitte versuchen Sie es erneut."
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			status, text = http.StatusRequestEntityTooLarge, "Die Datei ist zu groß (höchstens 1 MB). Bitte teilen Sie sie auf."
		}
		k.ErrorPage(w, r, status, "Nicht importiert", ui.ErrorData{Heading: "Nicht importiert", Text: text, Back: "/admin/beratung/import", BackTo: "Zurück zum Import"})
		return
	}
	if !web.CSRFTokenValid(k.Auth.CSRFToken(r), r.PostFormValue("csrf")) {
		k.ErrorPage(w, r, http.StatusForbidden, "Formular abgelaufen", ui.ErrorData{Heading: "Formular abgelaufen",
			Text: "Aus Sicherheitsgründen wurde das Formular nicht verarbeitet. Bitte laden Sie die Seite neu und senden Sie es noch einmal.",
			Back: "/admin/beratung/import", BackTo: "Seite neu laden"})
		return
	}
	parents, err := k.parentOptions(r)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	f := ui.NewForm()
	r.PostForm = r.MultipartForm.Value
	parent := f.Choice(r, "parent", parents, "Bitte wählen Sie die Körperschaft, unter der neue Beratungsstellen angelegt werden.")
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
			k.ServerError(w, r, err)
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
		MayCreate:    func(id string) bool { return k.Authz.Allowed(p, id, counselling.ObjCentre, authz.Create) },
		MayUpdate:    func(id string) bool { return k.Authz.Allowed(p, id, counselling.ObjCentre, authz.Update) },
		Direct:       k.Authz.Allowed(p, parent, counselling.ObjReview, authz.Update),
		AllOrNothing: mode == "alles", DryRun: r.PostForm.Get("probe") == "1",
	})
	var file *counselling.ErrCSVFile
	if errors.As(err, &file) {
		f.Add("datei", file.Msg)
		k.renderImport(w, r, http.StatusUnprocessableEntity, f, nil)
		return
	}
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	status := http.StatusOK
	if len(rep.Rejected) > 0 {
		status = http.StatusUnprocessableEntity
	}
	k.renderImport(w, r, status, f, rep)
}
