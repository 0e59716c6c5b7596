package marketplace_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/marketplace"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
)

func TestOrderFromTheCart(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := as("harz@test.example")
	hzl := w.product(t, "SW10187", "Sozialplattform: Hilfe zum Lebensunterhalt", "hzl", "eb-hzl")
	grusi := w.product(t, "SW10186", "Sozialplattform: Grundsicherung im Alter und bei Erwerbsminderung", "grusi")
	if _, err := w.market.SetCartItem(ctx, w.harz.ID, hzl.ID, 1); err != nil {
		t.Fatal(err)
	}
	c, err := w.market.SetCartItem(ctx, w.harz.ID, grusi.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	o, err := w.market.PlaceOrder(ctx, w.harz.ID, c.Version)
	if err != nil {
		t.Fatal(err)
	}

	// The first order number after the demo's 10173, and a snapshot.
	if o.Number != 10174 || o.State != marketplace.OrderReceived || o.TenantID != w.harz.ID {
		t.Errorf("order %d in %s for %s", o.Number, o.State, o.TenantID)
	}
	if o.AuthorityName != "Landkreis Harz" || o.OfficialKey != "15085" || o.Street != "Musterstraße 1" || o.FunctionMailbox != "sozialamt@kreis-hz.example" {
		t.Errorf("address snapshot %+v", o)
	}
	if len(o.Items) != 2 || o.Items[0].ProductNumber != "SW10187" || o.Items[1].Quantity != 2 || o.Items[1].LineTotalCents != 0 || o.TotalCents != 0 {
		t.Errorf("items %+v", o.Items)
	}
	if o.OrderedBy != "harz@test.example" {
		t.Errorf("ordered by %q", o.OrderedBy)
	}
	// The cart is empty now, at a new version.
	if c2, _ := w.market.Cart(ctx, w.harz.ID); len(c2.Items) != 0 || c2.Version <= c.Version {
		t.Errorf("cart after ordering: %+v", c2)
	}
	// A later rename does not change the order.
	name := "Umbenannt"
	if _, err := w.market.UpdateProduct(as("ministerium@test.example"), hzl.ID, 0, marketplace.ProductPatch{Name: &name}); err != nil {
		t.Fatal(err)
	}
	got, err := w.market.GetOrder(context.Background(), o.ID)
	if err != nil || got.Items[0].Name != "Sozialplattform: Hilfe zum Lebensunterhalt" || len(got.Events) != 1 {
		t.Errorf("stored order %+v, %v", got, err)
	}
	if byNumber, err := w.market.GetOrder(context.Background(), "10174"); err != nil || byNumber.ID != o.ID {
		t.Errorf("order by number: %v", err)
	}

	// Onboarding got the hand-off, with the Antragsstrecken.
	placed := w.handedOff()
	if len(placed) != 1 || placed[0].OrderNumber != 10174 || placed[0].TenantID != w.harz.ID || len(placed[0].Items) != 2 ||
		strings.Join(placed[0].Items[0].Antragsstrecken, ",") != "hzl,eb-hzl" || placed[0].Items[0].OZGID != "10086" ||
		placed[0].Items[1].ProductNumber != "SW10186" {
		t.Errorf("hand-off %+v", placed)
	}

	// Confirmation mails to the Funktionspostfach and to the ministry.
	for _, tt := range []struct{ to, subject, text string }{
		{"sozialamt@kreis-hz.example", "Ihre Bestellung 10174 ist eingegangen", "vielen Dank für Ihre Bestellung"},
		{ministryMailbox, "eGovernment-Marktplatz Sachsen-Anhalt: Ihr Produkt wurde bestellt.", "28.11.2025, 12:00 Uhr eine Bestellung über unseren Marktplatz"},
	} {
		ms := w.mailsTo(t, tt.to)
		if len(ms) != 1 {
			t.Fatalf("%d mails to %s", len(ms), tt.to)
		}
		m := ms[0]
		if !strings.Contains(m.Subject, tt.subject) || m.TenantID != w.harz.ID {
			t.Errorf("mail to %s: subject %q, tenant %q", tt.to, m.Subject, m.TenantID)
		}
		for _, want := range []string{tt.text, "Bestellnummer: 10174", "Produktnr.", "Beschreibung", "Menge", "Preis", "Summe",
			"SW10187", "Sozialplattform: Hilfe zum Lebensunterhalt", "0,00 €", "Landkreis Harz", "Musterstraße 1", "06886 Musterstadt",
			"https://sozial.example/admin/marktplatz/bestellungen/" + o.ID} {
			if !strings.Contains(m.TextBody, want) {
				t.Errorf("mail to %s lacks %q:\n%s", tt.to, want, m.TextBody)
			}
		}
		for _, want := range []string{"<th scope=\"col\" style=\"text-align:left;border-bottom:1px solid #d9dde3;\">Produktnr.</th>", "SW10186", "Landkreis Harz"} {
			if !strings.Contains(m.HTMLBody, want) {
				t.Errorf("HTML mail to %s lacks %q", tt.to, want)
			}
		}
	}

	audit, _ := w.tenants.ListAudit(context.Background(), tenant.AuditFilter{TenantIDs: []string{w.harz.ID}, ObjectType: marketplace.ObjOrder})
	if len(audit) != 1 || audit[0].Action != "create" || audit[0].ActorLabel != "harz@test.example" {
		t.Errorf("audit %+v", audit)
	}
}

func TestOrderRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := as("harz@test.example")
	p := w.product(t, "SW10186", "Sozialplattform: Grundsicherung im Alter und bei Erwerbsminderung", "grusi")

	_, err := w.market.PlaceOrder(ctx, w.harz.ID, 0)
	refusal(t, err, marketplace.ErrRefused, "Warenkorb ist leer")

	// Emptied again: still empty.
	w.market.SetCartItem(ctx, w.harz.ID, p.ID, 1)
	c, _ := w.market.RemoveFromCart(ctx, w.harz.ID, p.ID)
	_, err = w.market.PlaceOrder(ctx, w.harz.ID, c.Version)
	refusal(t, err, marketplace.ErrRefused, "Warenkorb ist leer")

	// Unpublished since it went into the cart: refused, naming it.
	c, _ = w.market.SetCartItem(ctx, w.harz.ID, p.ID, 1)
	off, on := false, true
	if _, err := w.market.UpdateProduct(as("ministerium@test.example"), p.ID, 0, marketplace.ProductPatch{Published: &off}); err != nil {
		t.Fatal(err)
	}
	c, _ = w.market.Cart(ctx, w.harz.ID)
	if c.Orderable || c.Items[0].Problem == "" {
		t.Errorf("cart shows an unpublished product as orderable: %+v", c)
	}
	_, err = w.market.PlaceOrder(ctx, w.harz.ID, c.Version)
	refusal(t, err, marketplace.ErrRefused, "„Sozialplattform: Grundsicherung im Alter und bei Erwerbsminderung“ (SW10186) kann nicht bestellt werden")
	if c2, _ := w.market.Cart(ctx, w.harz.ID); c2.Version != c.Version || len(c2.Items) != 1 {
		t.Errorf("a refused order changed the cart: %+v", c2)
	}
	w.market.UpdateProduct(as("ministerium@test.example"), p.ID, 0, marketplace.ProductPatch{Published: &on})

	// No price for the day: from 2027 on the price is undecided.
	w.advance(400 * 24 * time.Hour)
	_, err = w.market.PlaceOrder(ctx, w.harz.ID, 0)
	refusal(t, err, marketplace.ErrRefused, "kein Preis")

	// A cart changed since the orderer looked is refused.
	w.advance(-400 * 24 * time.Hour)
	c, _ = w.market.Cart(ctx, w.harz.ID)
	w.market.SetCartItem(ctx, w.harz.ID, p.ID, 5)
	_, err = w.market.PlaceOrder(ctx, w.harz.ID, c.Version)
	refusal(t, err, marketplace.ErrDuplicate, "zwischenzeitlich geändert")

	// Onboarding refusing the hand-off rolls the whole order back.
	w.handoff = func(context.Context, bun.IDB, marketplace.OrderPlaced) error { return errors.New("onboarding down") }
	c, _ = w.market.Cart(ctx, w.harz.ID)
	if _, err := w.market.PlaceOrder(ctx, w.harz.ID, c.Version); err == nil || !strings.Contains(err.Error(), "onboarding down") {
		t.Fatalf("order despite a failed hand-off: %v", err)
	}
	w.handoff = nil
	if orders, _ := w.market.ListOrders(ctx, marketplace.OrderFilter{}); len(orders) != 0 {
		t.Errorf("%d orders after a failed hand-off", len(orders))
	}
	if c2, _ := w.market.Cart(ctx, w.harz.ID); c2.Version != c.Version || len(c2.Items) != 1 {
		t.Errorf("cart after a failed hand-off: %+v", c2)
	}
	if len(w.mails(t)) != 0 {
		t.Errorf("mails queued for an order that was rolled back")
	}
	// …and the number was not used up.
	o, err := w.market.PlaceOrder(ctx, w.harz.ID, c.Version)
	if err != nil || o.Number != 10174 {
		t.Fatalf("order after the hand-off works again: %+v, %v", o, err)
	}
}

// TestDoubleSubmitGivesOneOrder: the same cart sent twice at once yields
// one order; the other submit learns which order it became.
func TestDoubleSubmitGivesOneOrder(t *testing.T) {
	t.Parallel()
	for _, withVersion := range []bool{true, false} {
		t.Run(fmt.Sprintf("with version %v", withVersion), func(t *testing.T) {
			w := newWorld(t)
			ctx := as("harz@test.example")
			p := w.product(t, "SW10186", "GruSi", "grusi")
			c, err := w.market.SetCartItem(ctx, w.harz.ID, p.ID, 1)
			if err != nil {
				t.Fatal(err)
			}
			version := 0
			if withVersion {
				version = c.Version
			}
			const submits = 8
			var wg sync.WaitGroup
			orders := make([]*marketplace.Order, submits)
			errs := make([]error, submits)
			start := make(chan struct{})
			for i := range submits {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					orders[i], errs[i] = w.market.PlaceOrder(ctx, w.harz.ID, version)
				}()
			}
			close(start)
			wg.Wait()
			placed := 0
			for i, err := range errs {
				switch {
				case err == nil:
					placed++
					if orders[i].Number != 10174 {
						t.Errorf("order number %d", orders[i].Number)
					}
				case withVersion:
					refusal(t, err, marketplace.ErrDuplicate, "bereits bestellt (Bestellnummer 10174)")
				default:
					// Without a version a later submit may find the cart empty.
					var e *marketplace.Error
					if !errors.As(err, &e) || !(errors.Is(err, marketplace.ErrDuplicate) || strings.Contains(e.Msg, "leer")) {
						t.Errorf("second submit: %v", err)
					}
				}
			}
			if placed != 1 {
				t.Fatalf("%d orders from one cart, want 1", placed)
			}
			all, _ := w.market.ListOrders(ctx, marketplace.OrderFilter{})
			if len(all) != 1 || len(w.handedOff()) != 1 || len(w.mails(t)) != 2 {
				t.Errorf("%d orders, %d hand-offs, %d mails; want 1, 1, 2", len(all), len(w.handedOff()), len(w.mails(t)))
			}
		})
	}
}

// TestOrderNumbersAreUniqueUnderConcurrency: twenty municipalities order
// at the same moment and get twenty consecutive numbers.
func TestOrderNumbersAreUniqueUnderConcurrency(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, "SW10186", "GruSi", "grusi")
	const n = 20
	ids := make([]string, n)
	for i := range n {
		tt := &tenant.Tenant{Kind: tenant.KindGemeinde, Name: fmt.Sprintf("Gemeinde %02d", i), OfficialKey: key(fmt.Sprintf("15085%03d", 100+i)),
			ParentID: &w.harz.ID, Active: true, FunctionMailbox: fmt.Sprintf("rathaus%02d@gemeinde.example", i)}
		if err := w.tenants.CreateTenant(context.Background(), tt); err != nil {
			t.Fatal(err)
		}
		ids[i] = tt.ID
		if _, err := w.market.SetCartItem(as("harz@test.example"), tt.ID, p.ID, 1+i%3); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	numbers := make([]int64, n)
	errs := make([]error, n)
	start := make(chan struct{})
	began := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			o, err := w.market.PlaceOrder(as("harz@test.example"), ids[i], 0)
			errs[i] = err
			if err == nil {
				numbers[i] = o.Number
			}
		}()
	}
	close(start)
	wg.Wait()
	t.Logf("%d concurrent orders in %s", n, time.Since(began).Round(time.Millisecond))
	for i, err := range errs {
		if err != nil {
			t.Fatalf("order %d: %v", i, err)
		}
	}
	slices.Sort(numbers)
	for i, num := range numbers {
		if num != int64(10174+i) {
			t.Fatalf("numbers %v, want 10174…10193 without gaps or doubles", numbers)
		}
	}
	if len(w.handedOff()) != n {
		t.Errorf("%d hand-offs", len(w.handedOff()))
	}
}

func TestOrderStateMachine(t *testing.T) {
	t.Parallel()
	R, C, A, D, X := marketplace.OrderReceived, marketplace.OrderConfirmed, marketplace.OrderConnecting, marketplace.OrderCompleted, marketplace.OrderCancelled
	allowed := map[[2]marketplace.OrderState]bool{{R, C}: true, {C, A}: true, {A, D}: true, {R, X}: true, {C, X}: true, {A, X}: true}
	for _, from := range marketplace.OrderStates {
		for _, to := range marketplace.OrderStates {
			if got := from.CanMoveTo(to); got != allowed[[2]marketplace.OrderState{from, to}] {
				t.Errorf("%s → %s allowed=%v", from, to, got)
			}
		}
	}

	w := newWorld(t)
	p := w.product(t, "SW10186", "GruSi", "grusi")
	place := func() *marketplace.Order {
		t.Helper()
		if _, err := w.market.SetCartItem(as("harz@test.example"), w.harz.ID, p.ID, 1); err != nil {
			t.Fatal(err)
		}
		o, err := w.market.PlaceOrder(as("harz@test.example"), w.harz.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	ministry := as("ministerium@test.example")
	tests := []struct {
		name   string
		path   []marketplace.OrderState // reached first
		to     marketplace.OrderState
		reason string
		want   string // "" = allowed; else part of the refusal
	}{
		{"confirm", nil, C, "", ""},
		{"skip confirmation", nil, A, "", "nur weiter zu „Bestätigt“ oder „Storniert“"},
		{"connect", []marketplace.OrderState{C}, A, "", ""},
		{"complete", []marketplace.OrderState{C, A}, D, "", ""},
		{"cancel received", nil, X, "Doppelt bestellt", ""},
		{"cancel while connecting", []marketplace.OrderState{C, A}, X, "Fachverfahren fehlt", ""},
		{"cancel without reason", nil, X, "", "Stornierung"},
		{"back to received", []marketplace.OrderState{C}, R, "", "nicht zu „Eingegangen“"},
		{"after completion", []marketplace.OrderState{C, A, D}, X, "zu spät", "abgeschlossen"},
		{"after cancellation", []marketplace.OrderState{X}, C, "", "storniert"},
		{"unknown state", nil, "verschollen", "", "Unbekannter Stand"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := place()
			for _, s := range tt.path {
				reason := ""
				if s == X {
					reason = "Test"
				}
				if _, err := w.market.ChangeOrderState(ministry, o.ID, s, reason, 0); err != nil {
					t.Fatal(err)
				}
			}
			got, err := w.market.ChangeOrderState(ministry, o.ID, tt.to, tt.reason, 0)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("→ %s: %v, want refusal with %q", tt.to, err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.State != tt.to || len(got.Events) != len(tt.path)+2 {
				t.Errorf("state %s with %d events", got.State, len(got.Events))
			}
			last := got.Events[len(got.Events)-1]
			if last.ToState != tt.to || last.ActorLabel != "ministerium@test.example" || last.Reason != tt.reason {
				t.Errorf("last event %+v", last)
			}
			if tt.to == X && got.CancelReason != tt.reason {
				t.Errorf("cancel reason %q", got.CancelReason)
			}
		})
	}
	// Optimistic locking.
	o := place()
	if _, err := w.market.ChangeOrderState(ministry, o.ID, C, "", o.Version+1); !errors.Is(err, tenant.ErrStaleVersion) {
		t.Errorf("stale version: %v", err)
	}
	// Every step is in the audit log, with who did it.
	audit, _ := w.tenants.ListAudit(context.Background(), tenant.AuditFilter{TenantIDs: []string{w.harz.ID}, ObjectType: marketplace.ObjOrder, Action: "state"})
	if len(audit) == 0 || audit[0].ActorLabel != "ministerium@test.example" || audit[0].Summary["to"] == nil {
		t.Errorf("audit of state changes: %+v", audit)
	}
}

// TestOrderStandsWhenTheMailServerIsDown: the confirmations wait in the
// outbox; sending fails, they stay queued for the next attempt, and the
// order is neither lost nor doubled.
func TestOrderStandsWhenTheMailServerIsDown(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, "SW10186", "GruSi", "grusi")
	ctx := as("harz@test.example")
	c, _ := w.market.SetCartItem(ctx, w.harz.ID, p.ID, 1)
	o, err := w.market.PlaceOrder(ctx, w.harz.ID, c.Version)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there any more
	sender := mail.NewSender(w.db, mail.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: "none", From: "noreply@sozial.example"}, slog.New(slog.DiscardHandler))
	sent, failed, err := sender.SendDue(context.Background())
	if err != nil || sent != 0 || failed != 2 {
		t.Fatalf("send with the server down: sent %d, failed %d, %v", sent, failed, err)
	}
	for _, m := range w.mails(t) {
		if m.Status != mail.StatusQueued || m.Attempts != 1 || m.LastError == "" {
			t.Errorf("mail to %s: %s after %d attempts (%q)", m.To, m.Status, m.Attempts, m.LastError)
		}
	}
	orders, _ := w.market.ListOrders(context.Background(), marketplace.OrderFilter{})
	if len(orders) != 1 || orders[0].ID != o.ID {
		t.Errorf("orders: %+v", orders)
	}
	_, err = w.market.PlaceOrder(ctx, w.harz.ID, c.Version)
	refusal(t, err, marketplace.ErrDuplicate, "bereits bestellt")
}
