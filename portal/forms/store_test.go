package forms_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	pngenc "image/png"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/portal/forms"
	"sozialplattform/portal/forms/formstest"
	"sozialplattform/portal/xsozial"
	"sozialplattform/tenant"
	"sozialplattform/tenant/clock/clocktest"
	"sozialplattform/tenant/envelope"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/mail/mailtest"
	"sozialplattform/tenant/passwordtest"
	"sozialplattform/tenant/web"
)

// fixture is a store on a fresh database with the demo tenants, a citizen
// and a delivery outbox fake that writes into a table of its own in the
// submission's transaction.
type fixture struct {
	db        *migrations.DB
	store     *forms.Store
	tenants   *tenant.Store
	outbox    *mail.Outbox
	harz      *tenant.Tenant
	citizen   string
	clock     *clocktest.Clock
	mu        sync.Mutex
	delivered []forms.Delivery // after commit only
	live      map[string]bool
	keys      *envelope.Keyring
	keySpec   string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureDSN(t, testdb.MigratedDSN(t))
}

func newFixtureDSN(t testing.TB, dsn string) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := migrations.Open(ctx, dsn, migrations.Options{MaxOpenConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m, err := migrations.NewMigrator(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{Templates: []fs.FS{forms.MailTemplates()}, PlatformName: "Sozialplattform"})
	if err != nil {
		t.Fatal(err)
	}
	ts := tenant.NewStore(db, outbox, tenant.Options{Passwords: passwordtest.Hasher()})
	if _, err := ts.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	harz, err := ts.ResolveTenant(ctx, "15085")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.ExecContext(ctx, `CREATE TABLE test_deliveries (id TEXT PRIMARY KEY, application_id TEXT NOT NULL, reference TEXT NOT NULL, xml_size INTEGER NOT NULL, attachments INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, tenants: ts, outbox: outbox, harz: harz, clock: clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)),
		live: map[string]bool{"hzl": true, "grusi": true, "but": true, "mrh": true}}
	f.keySpec = envelope.NewKey()
	f.keys, _ = envelope.Parse(f.keySpec)
	reg, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	f.store, err = forms.NewStore(forms.Deps{DB: db, Keys: f.keys, Registry: reg, Tenants: ts, Mailer: outbox,
		Outbox: func(ctx context.Context, tx bun.IDB, d forms.Delivery) (string, error) {
			id := uuid.NewString()
			if _, err := tx.NewRaw("INSERT INTO test_deliveries (id, application_id, reference, xml_size, attachments) VALUES (?, ?, ?, ?, ?)",
				id, d.ApplicationID, d.ReferenceNumber, len(d.XML), len(d.Attachments)).Exec(ctx); err != nil {
				return "", err
			}
			migrations.AfterCommit(ctx, func() { f.mu.Lock(); f.delivered = append(f.delivered, d); f.mu.Unlock() })
			return id, nil
		},
		Destination: func(ctx context.Context, tenantID, strecke string) (forms.Destination, error) {
			t, err := ts.GetTenant(ctx, tenantID)
			return forms.Destination{Tenant: t, Live: f.live[strecke], Kennung: t.DefaultDVDVKennung()}, err
		},
		Options: forms.Options{Now: f.clock.Now, Links: forms.Links{ // the portal's addresses (www.FormsLinks)
			Account:     web.LinkTo("https://sozial.example", "/{site}/servicekonto/{$}"),
			Application: web.LinkTo("https://sozial.example", "/{site}/servicekonto/antraege/{app}"),
			Draft:       web.LinkTo("https://sozial.example", "/{site}/antrag/{strecke}/entwurf/{draft}"),
		}}})
	if err != nil {
		t.Fatal(err)
	}
	f.citizen = f.newCitizen(t, "erika@example.org")
	return f
}

func (f *fixture) newCitizen(t testing.TB, email string) string {
	id := uuid.NewString()
	now := time.Now().UTC()
	if _, err := f.db.Write.ExecContext(context.Background(), "INSERT INTO citizens (id, login_email, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
		id, email, email, now, now); err != nil {
		t.Fatal(err)
	}
	return id
}

// fill saves every HzL step and uploads a PDF.
func (f *fixture) fill(t testing.TB, draftID string) {
	t.Helper()
	ctx := context.Background()
	for _, st := range formstest.HzL() {
		res, err := f.store.SaveStep(ctx, f.citizen, draftID, st.ID, st.Form, "de", nil)
		if err != nil {
			t.Fatal(err)
		}
		if errs := res.Problems.Errors(); len(errs) > 0 {
			t.Fatalf("step %s: %+v", st.ID, errs)
		}
	}
	if _, err := f.store.AddUpload(ctx, f.citizen, draftID, "ausweis", "ausweis.pdf", formstest.PDF, "de"); err != nil {
		t.Fatal(err)
	}
}

func TestSubmissionRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	d, err := f.store.CreateDraft(ctx, f.citizen, f.harz.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Incomplete: the first open step is named. The citizen applies in
	// Ukrainian; the office gets German documents that name the language.
	in := forms.SubmitInput{CitizenID: f.citizen, Email: "erika@example.org", Trust: forms.TrustNiedrig, Lang: "uk", Declarations: formstest.Declarations()}
	var inc *forms.IncompleteError
	if _, err := f.store.Submit(ctx, d.ID, in); !errors.As(err, &inc) || inc.Step != "antragsteller" {
		t.Fatalf("incomplete submit: %v", err)
	}
	f.fill(t, d.ID)
	// Missing declaration.
	in.Declarations = map[string]bool{"richtigkeit": true}
	if _, err := f.store.Submit(ctx, d.ID, in); !errors.As(err, &inc) || inc.Step != "absenden" || len(inc.Problems) != 2 {
		t.Fatalf("declarations: %v", err)
	}
	in.Declarations = formstest.Declarations()

	// Two tabs submit at once: one application, the same receipt.
	var wg sync.WaitGroup
	receipts := make([]*forms.Receipt, 3)
	errs := make([]error, 3)
	for i := range receipts {
		wg.Add(1)
		go func() { defer wg.Done(); receipts[i], errs[i] = f.store.Submit(ctx, d.ID, in) }()
	}
	wg.Wait()
	for i := range receipts {
		if errs[i] != nil {
			t.Fatalf("submit %d: %v", i, errs[i])
		}
		if receipts[i].ApplicationID != receipts[0].ApplicationID || receipts[i].Reference != receipts[0].Reference {
			t.Fatalf("two applications: %+v %+v", receipts[0], receipts[i])
		}
	}
	rc := receipts[0]
	if rc.Reference != "SP-2026-000001" {
		t.Errorf("reference %s", rc.Reference)
	}
	again, err := f.store.Submit(ctx, d.ID, in)
	if err != nil || !again.Duplicate || again.Reference != rc.Reference {
		t.Fatalf("retry: %+v %v", again, err)
	}
	var n int
	f.db.Read.NewRaw("SELECT COUNT(*) FROM applications").Scan(ctx, &n)
	var deliveries int
	f.db.Read.NewRaw("SELECT COUNT(*) FROM test_deliveries WHERE application_id = ? AND attachments = 1", rc.ApplicationID).Scan(ctx, &deliveries)
	if n != 1 || deliveries != 1 || len(f.delivered) != 1 {
		t.Fatalf("%d applications, %d outbox rows, %d delivered after commit", n, deliveries, len(f.delivered))
	}
	if _, err := f.store.Draft(ctx, f.citizen, d.ID); !errors.Is(err, forms.ErrNotFound) {
		t.Errorf("draft still there: %v", err)
	}

	// The XML re-parses and has the reference shape; the PDF is inside.
	_, xmlBytes, err := f.store.Document(ctx, rc.ApplicationID, forms.DocXML, "")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := xsozial.Parse(bytes.NewReader(xmlBytes))
	if err != nil {
		t.Fatal(err)
	}
	lists, _ := xsozial.LoadCodeLists()
	if err := xsozial.Check(doc, lists); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"//leser/kennung":        "sop:150850000000",
		"//xsb:vorgangsID":       rc.ApplicationID,
		"//xsb:vorgangsTyp/code": "001000",
		"//xsb:person[1]/xsb:allgemein/xsb:nameNatuerlichePerson/xsb:familienname/xsb:name": "Muster",
		"//xsb:person[1]/xsb:bankverbindung/xsb:iban":                                       "DE89370400440532013000",
		"//xsb:person[1]/xsb:allgemein/xsb:familienstand/xsb:familienstand/code":            "GS",
		"//xsb:person[3]/xsb:typ/code":                                                      "1040",
		"//xsb:person[3]/xsb:allgemein/xsb:nameNatuerlichePerson/xsb:vorname/xsb:name":      "Tom",
	} {
		if e := doc.FindElement(path); e == nil || e.Text() != want {
			t.Errorf("%s = %v, want %q", path, e, want)
		}
	}
	if len(doc.FindElements("//xsb:person")) != 3 {
		t.Errorf("persons: %d", len(doc.FindElements("//xsb:person")))
	}
	info, pdfBytes, err := f.store.Document(ctx, rc.ApplicationID, forms.DocPDF, "")
	if err != nil || info.ContentType != "application/pdf" || !bytes.HasPrefix(pdfBytes, []byte("%PDF")) {
		t.Fatalf("pdf: %v %v", info, err)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		path := filepath.Join(t.TempDir(), "a.pdf")
		os.WriteFile(path, pdfBytes, 0o600)
		out, _ := exec.Command("pdftotext", path, "-").Output()
		for _, want := range []string{rc.Reference, "Landkreis Harz", "Hilfe zum Lebensunterhalt", "Erika", "612,34 €", "DE89 3704 0044 0532 0130 00", "ausweis.pdf",
			"Sprache der Antragstellung", "Ukrainisch", "Familienname", "Geburtsdatum", "Staatsangehörigkeit"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("PDF lacks %q", want)
			}
		}
		for _, ukrainian := range []string{"Прізвище", "Заява", "Банківський рахунок"} {
			if strings.Contains(string(out), ukrainian) {
				t.Errorf("the office's PDF speaks the citizen's language: %q", ukrainian)
			}
		}
	}

	// Encrypted at rest: no name in the database.
	var raw []byte
	f.db.Read.NewRaw("SELECT payload FROM applications WHERE id = ?", rc.ApplicationID).Scan(ctx, &raw)
	if len(raw) == 0 || bytes.Contains(raw, []byte("Muster")) {
		t.Error("payload not encrypted")
	}
	var docRaw []byte
	f.db.Read.NewRaw("SELECT data FROM application_documents WHERE application_id = ? AND kind = ?", rc.ApplicationID, forms.DocXML).Scan(ctx, &docRaw)
	if bytes.Contains(docRaw, []byte("Muster")) || bytes.Contains(docRaw, []byte("xsozial")) {
		t.Error("XML not encrypted")
	}

	// Receipt mail in the outbox.
	mails := mailtest.Stored(t, f.db.Read, forms.MailReceipt)
	if len(mails) != 1 || !strings.Contains(mails[0].Subject, rc.Reference) || mails[0].To != "erika@example.org" || mails[0].TenantID != f.harz.ID {
		t.Fatalf("receipt mails: %+v", mails)
	}
	// It is for the citizen: the municipality's Postausgang counts it only.
	if staff, _ := f.outbox.List(ctx, mail.ListFilter{TenantIDs: []string{f.harz.ID}}); len(staff) != 0 {
		t.Errorf("the receipt is listed for staff: %+v", staff)
	}

	// Delivery reports back; the retention period starts; the data goes.
	if err := f.store.SetDeliveryStatus(ctx, f.db.Write, rc.ApplicationID, "bogus", ""); err == nil {
		t.Error("unknown status accepted")
	}
	if err := f.store.SetDeliveryStatus(ctx, f.db.Write, rc.ApplicationID, "zugestellt", ""); err != nil {
		t.Fatal(err)
	}
	apps, err := f.store.ForCitizen(ctx, f.citizen)
	if err != nil || len(apps) != 1 || apps[0].Status != forms.StatusZugestellt || apps[0].DeleteAfter == nil || apps[0].Language != "uk" {
		t.Fatalf("citizen list: %+v %v", apps, err)
	}
	det, err := f.store.Details(ctx, rc.ApplicationID, "de")
	if err != nil || len(det.Answers) != 9 || len(det.Documents) != 3 || len(det.History) != 2 {
		t.Fatalf("details: %d sections, %d docs, %d history, %v", len(det.Answers), len(det.Documents), len(det.History), err)
	}
	stats, _ := f.store.Stats(ctx, []string{f.harz.ID}, time.Time{}, time.Time{})
	if len(stats) != 1 || stats[0].Count != 1 || stats[0].Status != forms.StatusZugestellt {
		t.Errorf("stats %+v", stats)
	}
	f.clock.Add(91 * 24 * time.Hour)
	res, err := f.store.Cleanup(ctx)
	if err != nil || res.ApplicationsPurged != 1 {
		t.Fatalf("cleanup: %+v %v", res, err)
	}
	det, _ = f.store.Details(ctx, rc.ApplicationID, "de")
	if !det.Deleted || det.Answers != nil || len(det.Documents) != 0 {
		t.Errorf("not purged: %+v", det)
	}
	log, _ := f.tenants.ListAudit(ctx, tenant.AuditFilter{TenantIDs: []string{f.harz.ID}, Action: "delete-expired"})
	if len(log) != 1 || log[0].Summary["reference"] != rc.Reference || strings.Contains(mustJSON(log[0].Summary), "Muster") {
		t.Errorf("deletion log: %+v", log)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestDraftsUploadsAndRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	d, err := f.store.CreateDraft(ctx, f.citizen, f.harz.ID, "hzl", forms.Answers{"email": {S: "erika@example.org"}, "bogus": {S: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Answers.Str("email") != "erika@example.org" || d.Answers.Str("bogus") != "" {
		t.Errorf("prefill: %+v", d.Answers)
	}
	// Another citizen sees nothing.
	other := f.newCitizen(t, "other@example.org")
	if _, err := f.store.Draft(ctx, other, d.ID); !errors.Is(err, forms.ErrNotFound) {
		t.Errorf("foreign draft: %v", err)
	}
	if _, err := f.store.SaveStep(ctx, other, d.ID, "antragsteller", url.Values{}, "de", nil); !errors.Is(err, forms.ErrNotFound) {
		t.Errorf("foreign save: %v", err)
	}
	// Invalid input is saved as typed, and the step stays open.
	res, err := f.store.SaveStep(ctx, f.citizen, d.ID, "antragsteller", url.Values{"familienname": {"Muster"}, "iban": {"DE00 1234"}}, "de", nil)
	if err != nil || len(res.Problems.Errors()) == 0 {
		t.Fatalf("save: %v %v", res, err)
	}
	d, _ = f.store.Draft(ctx, f.citizen, d.ID)
	if d.Answers.Str("familienname") != "Muster" || d.Answers["iban"].Raw != "DE00 1234" {
		t.Errorf("answers not kept: %+v", d.Answers)
	}
	p := d.Def.Progress(d.Answers, d.Visited, nil, "de", time.Now())
	if p.FirstOpen != 0 || p.MayOpen(3) {
		t.Errorf("progress %+v: a later step may not open", p)
	}

	// Uploads: by content, size and count.
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"virus.pdf", append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 200)...), "kein PDF"},
		{"seite.html", []byte("<html><body>hi</body></html>"), "kein PDF"},
		{"leer.pdf", nil, "Datei aus"},
		{"gross.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 10<<20)...), "zu groß"},
		// the content is read, not only its first bytes (issue 17, F20)
		{"kontoauszug.pdf", []byte("%PDF-1.4\n<html><script>alert(1)</script></html>"), "PDF-Datei ist beschädigt"},
		{"foto.jpg", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"), "Bild ist beschädigt"},
	} {
		_, err := f.store.AddUpload(ctx, f.citizen, d.ID, "ausweis", tt.name, tt.data, "de")
		var ue *forms.UploadError
		if !errors.As(err, &ue) || !strings.Contains(ue.Message, tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	var pngBuf bytes.Buffer
	if err := pngenc.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	png := pngBuf.Bytes()
	u1, err := f.store.AddUpload(ctx, f.citizen, d.ID, "ausweis", "../../etc/vorderseite.exe", png, "de")
	if err != nil || u1.Name != "vorderseite.png" || u1.ContentType != "image/png" {
		t.Fatalf("png upload: %+v %v", u1, err)
	}
	if _, err := f.store.AddUpload(ctx, f.citizen, d.ID, "ausweis", "r.pdf", formstest.PDF, "en"); err != nil {
		t.Fatal(err)
	}
	_, err = f.store.AddUpload(ctx, f.citizen, d.ID, "ausweis", "3.pdf", formstest.PDF, "en")
	var ue *forms.UploadError
	if !errors.As(err, &ue) || !strings.Contains(ue.Message, "At most 2 files") {
		t.Errorf("third file: %v", err)
	}
	if _, err := f.store.AddUpload(ctx, f.citizen, d.ID, "familienname", "x.pdf", formstest.PDF, "de"); !errors.Is(err, forms.ErrNotFound) {
		t.Errorf("upload to a text field: %v", err)
	}
	info, data, err := f.store.Upload(ctx, f.citizen, d.ID, u1.ID)
	if err != nil || !bytes.Equal(data, png) || info.Name != "vorderseite.png" {
		t.Fatalf("read upload: %v", err)
	}
	if _, _, err := f.store.Upload(ctx, other, d.ID, u1.ID); !errors.Is(err, forms.ErrNotFound) {
		t.Errorf("foreign upload: %v", err)
	}
	if err := f.store.RemoveUpload(ctx, f.citizen, d.ID, u1.ID); err != nil {
		t.Fatal(err)
	}

	// The draft PDF is there at any time, marked as a draft.
	pdfBytes, err := f.store.DraftPDF(ctx, f.citizen, d.ID)
	if err != nil || !bytes.HasPrefix(pdfBytes, []byte("%PDF")) {
		t.Fatalf("draft pdf: %v", err)
	}

	// Trust level: GruSi needs "substanziell".
	g, err := f.store.CreateDraft(ctx, f.citizen, f.harz.ID, "grusi", nil)
	if err != nil {
		t.Fatal(err)
	}
	var te *forms.TrustError
	if _, err := f.store.Submit(ctx, g.ID, forms.SubmitInput{CitizenID: f.citizen, Trust: forms.TrustNiedrig}); !errors.As(err, &te) || te.Need != forms.TrustSubstanziell {
		t.Errorf("trust: %v", err)
	}
	// Not live for the municipality.
	if _, err := f.store.CreateDraft(ctx, f.citizen, f.harz.ID, "asylblg", nil); !errors.Is(err, forms.ErrNotLive) {
		t.Errorf("not live: %v", err)
	}
	f.live["hzl"] = false
	f.fill(t, d.ID)
	if _, err := f.store.Submit(ctx, d.ID, forms.SubmitInput{CitizenID: f.citizen, Trust: forms.TrustHoch, Declarations: formstest.Declarations()}); !errors.Is(err, forms.ErrNotLive) {
		t.Errorf("submit when not live: %v", err)
	}

	// Drafts expire: a reminder first, then deletion, logged.
	f.clock.Add(24 * 24 * time.Hour)
	res2, err := f.store.Cleanup(ctx)
	if err != nil || res2.Reminded != 2 || res2.DraftsDeleted != 0 {
		t.Fatalf("reminders: %+v %v", res2, err)
	}
	if res2, _ = f.store.Cleanup(ctx); res2.Reminded != 0 {
		t.Error("reminded twice")
	}
	f.clock.Add(7 * 24 * time.Hour)
	res2, err = f.store.Cleanup(ctx)
	if err != nil || res2.DraftsDeleted != 2 {
		t.Fatalf("expiry: %+v %v", res2, err)
	}
	var uploads int
	f.db.Read.NewRaw("SELECT COUNT(*) FROM draft_uploads").Scan(ctx, &uploads)
	if uploads != 0 {
		t.Errorf("%d uploads left", uploads)
	}
	log, _ := f.tenants.ListAudit(ctx, tenant.AuditFilter{TenantIDs: []string{f.harz.ID}, Action: "delete-expired", ObjectType: "application-draft"})
	if len(log) != 2 {
		t.Errorf("deletion log: %d", len(log))
	}
}

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	d, err := f.store.CreateDraft(ctx, f.citizen, f.harz.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	f.fill(t, d.ID)
	if _, err := f.store.Submit(ctx, d.ID, forms.SubmitInput{CitizenID: f.citizen, Trust: forms.TrustNiedrig, Declarations: formstest.Declarations()}); err != nil {
		t.Fatal(err)
	}
	d2, _ := f.store.CreateDraft(ctx, f.citizen, f.harz.ID, "hzl", forms.Answers{"vorname": {S: "Erika"}})
	oldID := f.keys.PrimaryID()
	// A new primary key; the old one stays readable.
	newKey := envelope.NewKey()
	store2 := f.rotatedStore(t, "neu:"+newKey)
	n, err := store2.RotateKeys(ctx)
	if err != nil || n < 5 {
		t.Fatalf("rotated %d: %v", n, err)
	}
	var left int
	f.db.Read.NewRaw("SELECT COUNT(*) FROM application_documents WHERE key_id = ?", oldID).Scan(ctx, &left)
	if left != 0 {
		t.Errorf("%d documents on the old key", left)
	}
	if again, _ := store2.RotateKeys(ctx); again != 0 {
		t.Errorf("second rotation did %d", again)
	}
	got, err := store2.Draft(ctx, f.citizen, d2.ID)
	if err != nil || got.Answers.Str("vorname") != "Erika" {
		t.Fatalf("read after rotation: %v", err)
	}
}

// rotatedStore is the fixture's store with a new primary key in front of
// the fixture's key.
func (f *fixture) rotatedStore(t *testing.T, primary string) *forms.Store {
	t.Helper()
	kr, err := envelope.Parse(primary + "," + f.keySpec)
	if err != nil {
		t.Fatal(err)
	}
	reg, _ := forms.Load()
	s, err := forms.NewStore(forms.Deps{DB: f.db, Keys: kr, Registry: reg, Tenants: f.tenants, Mailer: f.outbox, Options: forms.Options{Now: f.clock.Now}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDatabaseBrieflyLocked: another process holds the database for a
// moment; saving a step waits and succeeds, nothing is lost.
func TestDatabaseBrieflyLocked(t *testing.T) {
	t.Parallel()
	dsn := testdb.MigratedDSN(t)
	f := newFixtureDSN(t, dsn)
	ctx := context.Background()
	d, err := f.store.CreateDraft(ctx, f.citizen, f.harz.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	other, err := migrations.Open(ctx, dsn, migrations.Options{MaxOpenConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.Write.BeginTx(ctx, nil) // SQLite: BEGIN IMMEDIATE takes the write lock
	if err != nil {
		t.Fatal(err)
	}
	if other.Kind == migrations.Postgres {
		if _, err := tx.ExecContext(ctx, "LOCK TABLE application_drafts IN ACCESS EXCLUSIVE MODE"); err != nil {
			t.Fatal(err)
		}
	} else if _, err := tx.ExecContext(ctx, "UPDATE job_leases SET holder = holder"); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(400 * time.Millisecond)
		tx.Commit()
	}()
	start := time.Now()
	res, err := f.store.SaveStep(ctx, f.citizen, d.ID, "antragsteller", url.Values{"familienname": {"Muster"}}, "de", nil)
	if err != nil {
		t.Fatalf("save while locked: %v", err)
	}
	if time.Since(start) < 300*time.Millisecond {
		t.Errorf("the lock was not held (%s)", time.Since(start))
	}
	if res.Draft.Answers.Str("familienname") != "Muster" {
		t.Error("answer lost")
	}
}
