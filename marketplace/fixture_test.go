package marketplace_test

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/marketplace"
	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/mail/mailtest"
	"sozialplattform/tenant/passwordtest"
	"sozialplattform/tenant/web"
)

const ministryMailbox = "mid-55@mid.sachsen-anhalt.example"

// world is a small Sachsen-Anhalt with a marketplace: the Land, three
// Landkreise (Börde without members), their administrators, and a clock
// that tests can move.
type world struct {
	db                             *migrations.DB
	outbox                         *mail.Outbox
	tenants                        *tenant.Store
	market                         *marketplace.Store
	land, harz, wittenberg, boerde *tenant.Tenant

	mu     sync.Mutex
	now    time.Time
	placed []marketplace.OrderPlaced // what onboarding was handed
	// handoff, when set, is what the onboarding hook answers.
	handoff func(ctx context.Context, tx bun.IDB, e marketplace.OrderPlaced) error
}

func (w *world) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *world) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

func (w *world) handedOff() []marketplace.OrderPlaced {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]marketplace.OrderPlaced(nil), w.placed...)
}

// catalogueKeys stands in for onboarding's catalogue of Antragsstrecken.
var catalogueKeys = map[string]string{
	"hzl": "HzL 1.0", "eb-hzl": "EB-HzL – Einmalige Bedarfe", "grusi": "GruSi", "but": "BuT", "asylblg": "AsylbLG",
	"mrh": "MRH", "wbs": "WBS", "lza": "LZA §16e", "tam": "TAM §16i", "esg": "ESG §16b", "frf": "FRF §16f",
	"ess": "ESS §16c", "avg": "AVG", "vmb": "VMB", "agh": "AGH §16d", "kel": "KEL §16a", "16h": "§16h",
}

func key(s string) *string { return &s }

func newWorld(t testing.TB) *world {
	t.Helper()
	db := testdb.New(t)
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{BaseURL: "https://sozial.example", From: "noreply@sozial.example",
		PlatformName: "Sozialplattform Sachsen-Anhalt", Templates: []fs.FS{marketplace.MailTemplates()}})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{db: db, outbox: outbox, now: time.Date(2025, 11, 28, 11, 0, 0, 0, time.UTC)}
	w.tenants = tenant.NewStore(db, outbox, tenant.Options{Passwords: passwordtest.Hasher(), Now: w.clock,
		Links: tenant.Links{Invitation: web.LinkTo("https://links.test", "/einladung/{token}")}})
	w.market, err = marketplace.NewStore(db, w.tenants, outbox, marketplace.Options{
		Links:                testLinks,
		MinistryOrderMailbox: ministryMailbox,
		KnownAntragsstrecken: func(context.Context) (map[string]string, error) { return catalogueKeys, nil },
		OnOrderPlaced: func(ctx context.Context, tx bun.IDB, e marketplace.OrderPlaced) error {
			// The hand-off happens inside the order's transaction: the
			// order is visible through tx.
			n, err := tx.NewSelect().Table("market_orders").Where("id = ?", e.OrderID).Count(ctx)
			if err != nil || n != 1 {
				return errors.New("order not visible in the hand-off transaction")
			}
			if w.handoff != nil {
				if err := w.handoff(ctx, tx, e); err != nil {
					return err
				}
			}
			w.mu.Lock()
			w.placed = append(w.placed, e)
			w.mu.Unlock()
			return nil
		},
		Now: w.clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mk := func(parent *tenant.Tenant, kind tenant.Kind, name, k, mailbox string) *tenant.Tenant {
		tt := &tenant.Tenant{Kind: kind, Name: name, OfficialKey: key(k), Active: true, FunctionMailbox: mailbox,
			Street: "Musterstraße 1", PostalCode: "06886", City: "Musterstadt"}
		if parent != nil {
			tt.ParentID = &parent.ID
		}
		if err := w.tenants.CreateTenant(ctx, tt); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return tt
	}
	w.land = mk(nil, tenant.KindLand, "Land Sachsen-Anhalt", "15", "ozg@mid.example")
	w.harz = mk(w.land, tenant.KindLandkreis, "Landkreis Harz", "15085", "sozialamt@kreis-hz.example")
	w.wittenberg = mk(w.land, tenant.KindLandkreis, "Landkreis Wittenberg", "15091", "sozialamt@landkreis-wittenberg.example")
	w.boerde = mk(w.land, tenant.KindLandkreis, "Landkreis Börde", "15083", "")
	for _, u := range []struct {
		email string
		t     *tenant.Tenant
		role  tenant.Role
	}{
		{"ministerium@test.example", w.land, tenant.RoleMinistryAdmin},
		{"harz@test.example", w.harz, tenant.RoleMunicipalityAdmin},
		{"wittenberg@test.example", w.wittenberg, tenant.RoleMunicipalityAdmin},
	} {
		if _, err := w.tenants.CreateUser(ctx, tenant.NewUserInput{Email: u.email, Name: "Test", Password: "ein-langes-passwort",
			TenantID: u.t.ID, Role: u.role}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// as returns a context acting as the given person.
func as(email string) context.Context {
	return tenant.WithActor(context.Background(), tenant.Actor{ID: "user:" + email, Label: email})
}

// product creates a published product with a free price until the end of
// 2026.
func (w *world) product(t *testing.T, number, name string, strecken ...string) *marketplace.Product {
	t.Helper()
	until := marketplace.Day("2026-12-31")
	in := marketplace.ProductInput{Number: number, Name: name, ServiceType: "EfA-Dienst", Topic: "Arbeit und Ruhestand",
		Antragsstrecken: strecken, Published: true,
		Prices: []marketplace.Price{{ValidFrom: "2025-01-01", ValidUntil: &until, AmountCents: 0}}}
	if len(strecken) > 0 {
		in.OZGID = "10086"
	}
	p, err := w.market.CreateProduct(as("ministerium@test.example"), in)
	if err != nil {
		t.Fatalf("create product %s: %v", number, err)
	}
	return p
}

// mails returns the outbox's messages (with bodies), oldest first.
func (w *world) mails(t *testing.T) []mail.Stored {
	t.Helper()
	out := mailtest.Listed(t, w.outbox, func(mail.Stored) bool { return true })
	slices.Reverse(out)
	return out
}

// mailsTo returns the messages to one address.
func (w *world) mailsTo(t *testing.T, addr string) []mail.Stored {
	t.Helper()
	var out []mail.Stored
	for _, m := range w.mails(t) {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// linkIn returns the first URL in text that starts with prefix.
func linkIn(text, prefix string) string {
	i := strings.Index(text, prefix)
	if i < 0 {
		return ""
	}
	end := strings.IndexAny(text[i:], " \r\n\t\"<>")
	if end < 0 {
		return text[i:]
	}
	return text[i : i+end]
}

// refusal asserts that err is a marketplace refusal of the kind, whose
// message contains want.
func refusal(t *testing.T, err error, kind error, want string) {
	t.Helper()
	var e *marketplace.Error
	if !errors.As(err, &e) || !errors.Is(err, kind) {
		t.Fatalf("got %v (%T), want a refusal of kind %v", err, err, kind)
	}
	if !strings.Contains(e.Msg, want) {
		t.Errorf("message %q does not contain %q", e.Msg, want)
	}
}

// fieldErr asserts that err is a field error for field containing want.
func fieldErr(t *testing.T, err error, field, want string) {
	t.Helper()
	var fe tenant.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("got %v (%T), want a field error for %s", err, err, field)
	}
	msg := fe.For(field)
	if msg == "" {
		t.Fatalf("no error for %s in %v", field, fe)
	}
	if !strings.Contains(msg, want) {
		t.Errorf("%s: %q does not contain %q", field, msg, want)
	}
}

func tenantPatchName(name string) tenant.TenantPatch { return tenant.TenantPatch{Name: &name} }

// testLinks stand in for the console's links (admin.MarketLinks), at the
// console's addresses, so that the mails read as they will.
var testLinks = marketplace.Links{
	Order:               web.LinkTo("https://sozial.example", "/admin/marktplatz/bestellungen/{oid}"),
	ConfirmRegistration: web.LinkTo("https://sozial.example", "/marktplatz/registrierung/bestaetigen/{token}"),
	Catalogue:           web.LinkTo("https://sozial.example", "/marktplatz/{$}"),
	Registration:        web.LinkTo("https://sozial.example", "/marktplatz/registrierung"),
	ReviewRegistration:  web.LinkTo("https://sozial.example", "/admin/marktplatz/registrierungen/{rid}"),
}
