package delivery_test

import (
	"context"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/web"
)

// mailLog records the mails the service queues.
type mailLog struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (m *mailLog) Enqueue(_ context.Context, _ bun.IDB, msg mail.Message) error {
	m.mu.Lock()
	m.sent = append(m.sent, msg)
	m.mu.Unlock()
	return nil
}

func (m *mailLog) to(template string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, s := range m.sent {
		if s.Template == template {
			out = append(out, s.To)
		}
	}
	return out
}

// seedStaff gives a tenant a function mailbox, an admin and a clerk.
func seedStaff(t *testing.T, e *env, tenantID, mailbox, admin, clerk string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	if _, err := e.db.Write.ExecContext(ctx, "UPDATE tenants SET function_mailbox = ? WHERE id = ?", mailbox, tenantID); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct{ email, role string }{{admin, "municipality-admin"}, {clerk, "municipality-clerk"}} {
		id := tenantID + "-" + u.role
		if _, err := e.db.Write.ExecContext(ctx, "INSERT INTO users (id, email, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)", id, u.email, u.email, now, now); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.Write.ExecContext(ctx, "INSERT INTO memberships (user_id, tenant_id, role, created_at) VALUES (?, ?, ?, ?)", id, tenantID, u.role, now); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFailedDeliveryIsMailedToTheMunicipality: an XTA reader the
// intermediary does not know (9031 in a ParameterIsNotValidException)
// stops at once – no retries over hours (finding m8) – and the
// municipality's function mailbox and its admins get a mail with the
// transport's reason; the citizen is told what really happens.
func TestFailedDeliveryIsMailedToTheMunicipality(t *testing.T) {
	t.Parallel()
	ml := &mailLog{}
	e := newEnv(t, envOptions{tune: func(o *delivery.Options) { o.Mailer, o.Links = ml, testLinks }})
	seedStaff(t, e, harzID, "sozialamt@kreis-hz.example", "admin@kreis-hz.example", "sachbearbeitung@kreis-hz.example")
	// The onboarding case names a reader the XTA server does not know.
	rt := delivery.Route{CaseID: "case-harz-grusi", Variant: delivery.VariantXTA2, TenantName: "Landkreis Harz", Region: "DE15085",
		DVDVKennung: "sop:150859999999", Label: "Grundsicherung (GruSi)"}
	e.router.set(harzID, streckeXTA, rt)
	if _, err := e.dir.Put(context.Background(), "", rt.DVDVKennung, 0, dvdv.Input{Name: "Landkreis Harz, Sozialamt (neu)", Endpoint: e.xta.endpoint,
		Certificate: e.xta.certPEM, Active: true}); err != nil {
		t.Fatal(err)
	}
	ids := e.enqueue(doc(harzID, streckeXTA))
	e.run(e.svc)
	d := e.get(ids[0])
	if d.Status != delivery.StatusFailed || d.Attempts != 1 || !strings.Contains(d.LastError, "unbekannt") {
		t.Fatalf("after one attempt: %s, %d attempts, %q", d.Status, d.Attempts, d.LastError)
	}
	got := ml.to(delivery.MailFailed)
	want := []string{"sozialamt@kreis-hz.example", "admin@kreis-hz.example"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("failure mail to %v, want %v (function mailbox and admins, not the clerk)", got, want)
	}
	var fm delivery.FailedMail
	for _, m := range ml.sent {
		if m.Template == delivery.MailFailed {
			fm = m.Data.(delivery.FailedMail)
		}
	}
	if fm.Antragsstrecke != "Grundsicherung (GruSi)" || !strings.Contains(fm.Reason, "9031") || !strings.HasSuffix(fm.Link, "/admin/zustellung/eintrag/"+ids[0]) {
		t.Errorf("mail data %+v", fm)
	}
	counts, err := e.svc.FailedCounts(context.Background(), nil)
	if err != nil || counts[harzID] != 1 || len(counts) != 1 {
		t.Errorf("failed deliveries per tenant: %v, %v", counts, err)
	}
	status, detail := e.log.lastStatus(d.ApplicationID)
	if status != delivery.CitizenProblem || !strings.Contains(detail, "E-Mail mit dem Grund erhalten") {
		t.Errorf("citizen status %s: %s", status, detail)
	}
}

// TestMailboxDigest: the staff of a variant-2 municipality hear of new
// mailbox items once, in one mail per person listing them by their
// Antragsstrecke label; the real templates render (queued through the
// platform's outbox).
func TestMailboxDigest(t *testing.T) {
	t.Parallel()
	var outbox *mail.Outbox
	e := newEnv(t, envOptions{tune: func(o *delivery.Options) {
		o.Links = testLinks
		o.Labels = func(context.Context) (map[string]string, error) {
			return map[string]string{streckeMailbox: "Bildung und Teilhabe (BuT)"}, nil
		}
	}})
	var err error
	outbox, err = mail.NewOutbox(e.db, mail.OutboxOptions{BaseURL: "https://sozial.example", PlatformName: "Sozialplattform Sachsen-Anhalt",
		Templates: []fs.FS{delivery.MailTemplates()}})
	if err != nil {
		t.Fatal(err)
	}
	e.opts.Mailer = outbox
	e.svc = e.service(e.opts)
	seedStaff(t, e, wittenbergID, "sozialamt@wittenberg.example", "admin@wittenberg.example", "sachbearbeitung@wittenberg.example")
	e.enqueue(doc(wittenbergID, streckeMailbox), doc(wittenbergID, streckeMailbox))
	e.run(e.svc)
	ctx := context.Background()
	n, err := e.svc.SendMailboxDigests(ctx)
	if err != nil || n != 1 {
		t.Fatalf("digests: %d, %v", n, err)
	}
	if n, _ := e.svc.SendMailboxDigests(ctx); n != 0 {
		t.Errorf("the same items were listed again: %d digests", n)
	}
	mails, err := outbox.List(ctx, mail.ListFilter{TenantIDs: []string{wittenbergID}})
	if err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, listed := range mails {
		m, err := outbox.Get(ctx, listed.ID)
		if err != nil {
			t.Fatal(err)
		}
		to = append(to, m.To)
		if !strings.Contains(m.Subject, "2 neue Anträge im Postfach von Landkreis Wittenberg") || !strings.Contains(m.TextBody, "Bildung und Teilhabe (BuT)") ||
			!strings.Contains(m.TextBody, "https://sozial.example/admin/postfach/"+wittenbergID) {
			t.Errorf("digest mail: %s\n%s", m.Subject, m.TextBody)
		}
	}
	sort.Strings(to)
	if strings.Join(to, ",") != "admin@wittenberg.example,sachbearbeitung@wittenberg.example,sozialamt@wittenberg.example" {
		t.Errorf("digest to %v", to)
	}
}

// TestFailedMailRenders: the failure mail renders with its reason and link.
func TestFailedMailRenders(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	outbox, err := mail.NewOutbox(e.db, mail.OutboxOptions{BaseURL: "https://sozial.example", PlatformName: "Sozialplattform Sachsen-Anhalt",
		Templates: []fs.FS{delivery.MailTemplates()}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	data := delivery.FailedMail{TenantName: "Landkreis Harz", Antragsstrecke: "Grundsicherung (GruSi)", ReferenceNumber: "SP-2026-000042",
		Status: "fehlgeschlagen", Reason: "XTA ParameterIsNotValidException 9031: Leser sop:150859999999 unbekannt", Variant: "OSCI/XTA2",
		SubmittedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Link: "https://sozial.example/admin/zustellung/eintrag/d1"}
	if err := outbox.Enqueue(ctx, e.db.Write, mail.Message{TenantID: harzID, To: "sozialamt@kreis-hz.example", Template: delivery.MailFailed, Data: data}); err != nil {
		t.Fatal(err)
	}
	mails, _ := outbox.List(ctx, mail.ListFilter{TenantIDs: []string{harzID}})
	if len(mails) != 1 {
		t.Fatalf("%d mails", len(mails))
	}
	m, err := outbox.Get(ctx, mails[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Leser sop:150859999999 unbekannt", "SP-2026-000042", "https://sozial.example/admin/zustellung/eintrag/d1", "nichts wird doppelt zugestellt"} {
		if !strings.Contains(m.TextBody, want) {
			t.Errorf("mail lacks %q:\n%s", want, m.TextBody)
		}
	}
	if !strings.Contains(m.Subject, "Antrag SP-2026-000042 (Grundsicherung (GruSi)) nicht zugestellt") {
		t.Errorf("subject %q", m.Subject)
	}
}

// testLinks stand in for the console's links (admin.DeliveryLinks), at
// the console's addresses.
var testLinks = delivery.Links{
	Delivery: web.LinkTo("https://sozial.example", "/admin/zustellung/eintrag/{did}"),
	Mailbox:  web.LinkTo("https://sozial.example", "/admin/postfach/{id}"),
}
