package main

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"sozialplattform/migrations/testdb"
	"sozialplattform/portal/forms/formstest"
	"sozialplattform/portal/xsozial"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail/mailtest"
)

// page is a browser without JavaScript: it reads pages, their form token,
// and posts forms.
type page struct {
	t    *testing.T
	c    *client
	body string
}

var csrfPattern = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *client) get(path string) (int, string, http.Header) {
	b.t.Helper()
	resp, err := b.http.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), resp.Header
}

func (b *client) postForm(path string, form url.Values) (int, string, http.Header) {
	b.t.Helper()
	resp, err := b.http.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), resp.Header
}

// submitPage loads path, takes its form token, posts form and expects a
// redirect (303) whose target it returns.
func (b *client) submitPage(path string, form url.Values, want int) (string, string) {
	b.t.Helper()
	status, body, _ := b.get(path)
	if status != http.StatusOK {
		b.t.Fatalf("GET %s = %d:\n%s", path, status, body)
	}
	m := csrfPattern.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no form token on %s", path)
	}
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("csrf", m[1])
	target := path
	// The page's own form, in <main> (the header holds the logout form).
	content := body
	if i := strings.Index(body, "<main"); i >= 0 {
		content = body[i:]
	}
	if a := regexp.MustCompile(`<form[^>]*method="post" action="([^"]+)"`).FindStringSubmatch(content); a != nil && !strings.Contains(path, "/schritt/") && !strings.HasSuffix(path, "/absenden") {
		target = a[1]
	}
	status, body, h := b.postForm(target, f)
	if status != want {
		b.t.Fatalf("POST %s = %d, want %d:\n%s", target, status, want, body)
	}
	return h.Get("Location"), body
}

// TestApplicationEndToEnd: a citizen registers, confirms by mail, fills
// HzL for Landkreis Harz step by step through the HTML forms (no
// JavaScript), uploads a PDF, submits (twice: a second tab), gets the
// receipt by mail, and the municipality reads XML and PDF via the API.
func TestApplicationEndToEnd(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("end to end with a mail server: full suite only")
	}
	smtp := mailtest.NewServer(t)
	host, port := smtp.Addr()
	base := startServer(t, map[string]string{
		"SOZIALPLATTFORM_DB":            testdb.MigratedDSN(t),
		"SOZIALPLATTFORM_SMTP_HOST":     host,
		"SOZIALPLATTFORM_SMTP_PORT":     fmt.Sprint(port),
		"SOZIALPLATTFORM_SMTP_TLS":      "none",
		"SOZIALPLATTFORM_MAIL_INTERVAL": "1s",
		"SOZIALPLATTFORM_LOG_LEVEL":     "warn",
		"SOZIALPLATTFORM_DATA_KEY":      "test:" + strings.Repeat("QUJD", 10) + "QUI=",
	})
	const site = "/landkreis-harz"
	b := newClient(t, base)

	// Register and confirm.
	loc, _ := b.submitPage(site+"/servicekonto/registrieren?ziel="+site+"/antrag/hzl", url.Values{"email": {"jana@example.org"}, "name": {"Jana Beispiel"},
		"passwort": {"ein-sicheres-passwort"}, "passwort2": {"ein-sicheres-passwort"}}, http.StatusOK)
	_ = loc
	confirmMail := mailTo(t, smtp, "jana@example.org", "bestätigen")
	link := firstLink(confirmMail.TextBody, base+site+"/servicekonto/bestaetigen/")
	if link == "" {
		t.Fatalf("confirmation mail: %+v", confirmMail)
	}
	loc, _ = b.submitPage(strings.TrimPrefix(link, base), nil, http.StatusSeeOther)
	if !strings.Contains(loc, "/servicekonto/anmelden?bestaetigt=1") {
		t.Fatalf("after confirmation: %s", loc)
	}
	loc, _ = b.submitPage(site+"/servicekonto/anmelden?ziel="+site+"/antrag/hzl", url.Values{"email": {"jana@example.org"}, "passwort": {"ein-sicheres-passwort"},
		"ziel": {site + "/antrag/hzl"}}, http.StatusSeeOther)
	if loc != site+"/antrag/hzl" {
		t.Fatalf("login went to %s", loc)
	}

	// Start HzL.
	loc, _ = b.submitPage(site+"/antrag/hzl", nil, http.StatusSeeOther)
	if !strings.HasSuffix(loc, "/schritt/antragsteller") {
		t.Fatalf("start went to %s", loc)
	}
	draft := strings.TrimSuffix(loc, "/schritt/antragsteller")
	// A step skipped by URL sends back to the first open step.
	if status, _, h := b.get(draft + "/schritt/nothilfe"); status != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "/schritt/antragsteller") {
		t.Fatalf("skipped step: %d %s", status, h.Get("Location"))
	}
	steps := formstest.HzL()
	// A wrong IBAN: the step stays, with the message next to the field and in the summary.
	bad := url.Values{}
	for k, v := range steps[0].Form {
		bad[k] = v
	}
	bad.Set("iban", "DE89 3704 0044 0532 0130 01")
	bad.Set("aktion", "weiter")
	_, body := b.submitPage(draft+"/schritt/antragsteller", bad, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "Die Prüfziffer der IBAN stimmt nicht") || !strings.Contains(body, `id="fehlerliste"`) || !strings.Contains(body, "DE89 3704 0044 0532 0130 01") {
		t.Fatalf("IBAN error not shown (or the input lost)")
	}
	for _, st := range steps {
		form := url.Values{"aktion": {"weiter"}}
		for k, v := range st.Form {
			form[k] = v
		}
		if st.ID == "unterlagen" {
			b.uploadDocument(draft+"/unterlagen", "ausweis", "ausweis.pdf", formstest.PDF, http.StatusSeeOther)
			// A refused file: the step again, with the reason at the field.
			b.uploadDocument(draft+"/unterlagen", "ausweis", "programm.pdf", append([]byte("MZ"), bytes.Repeat([]byte{0x90}, 300)...), http.StatusUnprocessableEntity)
			_, page, _ := b.get(draft + "/schritt/unterlagen?fehler=x")
			if !strings.Contains(page, "ausweis.pdf") || strings.Contains(page, "programm.pdf") {
				t.Fatal("upload list wrong")
			}
		}
		loc, _ := b.submitPage(draft+"/schritt/"+st.ID, form, http.StatusSeeOther)
		if !strings.HasPrefix(loc, draft+"/") {
			t.Fatalf("after %s: %s", st.ID, loc)
		}
	}
	// The draft as PDF at any time.
	if status, pdf, h := b.get(draft + "/pdf"); status != 200 || !strings.HasPrefix(pdf, "%PDF") || h.Get("Content-Type") != "application/pdf" {
		t.Fatalf("draft PDF: %d %s", status, h.Get("Content-Type"))
	}
	// Summary without declarations: refused with a message.
	_, body = b.submitPage(draft+"/absenden", url.Values{}, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "Bitte bestätigen Sie diese Erklärung.") {
		t.Fatal("missing declarations not reported")
	}
	decl := url.Values{"erklaerung": {"richtigkeit", "mitwirkung", "datenschutz"}}
	_, sumPage, _ := b.get(draft + "/absenden")
	token := csrfPattern.FindStringSubmatch(sumPage)[1]
	decl.Set("csrf", token)
	status, _, h := b.postForm(draft+"/absenden", decl)
	if status != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "/antrag/hzl/eingang/") {
		t.Fatalf("submit: %d %s", status, h.Get("Location"))
	}
	receipt := h.Get("Location")
	// A second tab submits the same draft: the same receipt.
	status, _, h2 := b.postForm(draft+"/absenden", decl)
	if status != http.StatusSeeOther || h2.Get("Location") != receipt {
		t.Fatalf("second tab: %d %s, want %s", status, h2.Get("Location"), receipt)
	}
	_, rp, _ := b.get(receipt)
	ref := regexp.MustCompile(`SP-\d{4}-\d{6}`).FindString(rp)
	if ref == "" {
		t.Fatalf("no reference number on the receipt page:\n%s", rp)
	}
	appID := receipt[strings.LastIndex(receipt, "/")+1:]

	// The receipt mail.
	if m := mailTo(t, smtp, "jana@example.org", ref); !strings.Contains(m.TextBody, ref) {
		t.Fatalf("receipt mail: %q", m.Subject)
	}
	// The citizen's own list (API, citizen session).
	var mine struct {
		Items []struct {
			ID, ReferenceNumber, Status string
		}
	}
	b.must(http.StatusOK, "GET", "/api/v1/me/applications", nil, &mine)
	if len(mine.Items) != 1 || mine.Items[0].ReferenceNumber != ref {
		t.Fatalf("me/applications: %+v", mine)
	}
	b.must(http.StatusOK, "GET", "/api/v1/applications/"+appID, nil, nil)

	// The municipality reads the list, the XML and the PDF.
	harz := newClient(t, base)
	harz.login("sachbearbeitung.harz@demo.example", tenant.DemoPassword)
	var tt struct{ Items []tenant.Tenant }
	harz.must(http.StatusOK, "GET", "/api/v1/tenants", nil, &tt)
	var harzID string
	for _, x := range tt.Items {
		if x.Slug == "landkreis-harz" {
			harzID = x.ID
		}
	}
	var list struct {
		Items []struct{ ID, ReferenceNumber, Status string }
	}
	harz.must(http.StatusOK, "GET", "/api/v1/tenants/"+harzID+"/applications?antragsstrecke=hzl", nil, &list)
	if len(list.Items) != 1 || list.Items[0].ID != appID {
		t.Fatalf("municipality list: %+v", list)
	}
	status, xml, _ := harz.get("/api/v1/applications/" + appID + "/xml")
	if status != 200 {
		t.Fatalf("xml: %d %s", status, xml)
	}
	doc, err := xsozial.Parse(strings.NewReader(xml))
	if err != nil {
		t.Fatal(err)
	}
	lists, _ := xsozial.LoadCodeLists()
	if err := xsozial.Check(doc, lists); err != nil {
		t.Fatal(err)
	}
	if e := doc.FindElement("//xsb:vorgangsID"); e == nil || e.Text() != appID {
		t.Errorf("vorgangsID %v", e)
	}
	if status, pdf, _ := harz.get("/api/v1/applications/" + appID + "/pdf"); status != 200 || !strings.HasPrefix(pdf, "%PDF") {
		t.Fatalf("pdf: %d", status)
	}
	// Another municipality sees nothing; the ministry only counts.
	other := newClient(t, base)
	other.login("wittenberg@demo.example", tenant.DemoPassword)
	other.must(http.StatusNotFound, "GET", "/api/v1/applications/"+appID+"/xml", nil, nil)
	ministry := newClient(t, base)
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	raw := ministry.must(http.StatusOK, "GET", "/api/v1/applications/stats", nil, nil)
	if !strings.Contains(raw, `"count":1`) || strings.Contains(raw, "Muster") || strings.Contains(raw, ref) {
		t.Errorf("stats: %s", raw)
	}
}

// upload posts a file as the upload form does; want is the answer's
// status (303 for a stored file, 422 for a refused one).
func (b *client) uploadDocument(path, field, name string, data []byte, want int) {
	b.t.Helper()
	_, page, _ := b.get(strings.TrimSuffix(path, "/unterlagen") + "/schritt/unterlagen")
	m := csrfPattern.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatal("no form token on the documents step")
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("csrf", m[1])
	w.WriteField("feld", field)
	fw, _ := w.CreateFormFile("datei", name)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", b.base+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		b.t.Fatalf("upload %s: %d, want %d", name, resp.StatusCode, want)
	}
}

// mailTo waits for a mail to an address whose subject contains a text.
func mailTo(t *testing.T, smtp *mailtest.Server, to, subject string) mailtest.Received {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range smtp.Messages() {
			if len(m.To) == 1 && m.To[0] == to && strings.Contains(m.Subject, subject) {
				return m
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no mail to %s about %q", to, subject)
	return mailtest.Received{}
}
