package market

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sozialplattform/admin/ui"
	"strconv"
	"strings"
	"time"

	"sozialplattform/marketplace"
	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/download"
)

// orderFilter reads the ministry's filter of the order list.
func orderFilter(q url.Values, f *ui.Form) marketplace.OrderFilter {
	var out marketplace.OrderFilter
	if s := marketplace.OrderState(q.Get("stand")); s.Valid() {
		out.State = s
		f.Set("stand", string(s))
	}
	if s := strings.TrimSpace(q.Get("suche")); s != "" {
		out.Query = truncate(s, 100)
		f.Set("suche", out.Query)
	}
	return out
}

// OrdersPage is the ministry's list of all orders.
func (m *Pages) OrdersPage(w http.ResponseWriter, r *http.Request) {
	if !m.requireMinistry(w, r, marketplace.ObjOrder, authz.Read) {
		return
	}
	f := ui.NewForm()
	filter := orderFilter(r.URL.Query(), f)
	orders, err := m.store.ListOrders(r.Context(), filter)
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	nav, err := m.nav(r, "bestellungen")
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	q := url.Values{}
	for _, k := range []string{"stand", "suche"} {
		if v := f.Get(k); v != "" {
			q.Set(k, v)
		}
	}
	csv := "/admin/marktplatz/bestellungen/export.csv"
	if len(q) > 0 {
		csv += "?" + q.Encode()
	}
	m.Render(w, r, http.StatusOK, "markt-bestellungen", m.page(r, "Bestellungen", ordersData{Orders: orders, Form: f,
		States: ui.Options(marketplace.OrderStates), Filtered: len(q) > 0, CSVURL: csv, Nav: nav}))
}

// OrdersCSV downloads the (filtered) orders for Excel.
func (m *Pages) OrdersCSV(w http.ResponseWriter, r *http.Request) {
	if !m.requireMinistry(w, r, marketplace.ObjOrder, authz.Read) {
		return
	}
	var buf bytes.Buffer
	if err := m.store.ExportOrdersCSV(r.Context(), &buf, orderFilter(r.URL.Query(), ui.NewForm())); err != nil {
		m.ServerError(w, r, err)
		return
	}
	name := "bestellungen-" + time.Now().In(m.Loc).Format("2006-01-02") + ".csv"
	download.Write(w, "text/csv; charset=utf-8", name, buf.Bytes())
}

type orderData struct {
	Order *marketplace.Order
	Cases []onboarding.Case // the onboarding cases the order opened, if the person may see them
	// Suggest is the state the cases say the order has reached when its
	// own state lags behind ("" when it does not), for the ministry.
	Suggest  marketplace.OrderState
	Next     []ui.Option // states the ministry may move the order to
	Form     *ui.Form
	Problem  string
	Ministry bool
	Nav      navLinks
}

// orderFor loads the order of the path's {oid}; one outside the person's
// area is 404, as if it did not exist.
func (m *Pages) orderFor(w http.ResponseWriter, r *http.Request, act string) (*marketplace.Order, bool) {
	o, err := m.store.GetOrder(r.Context(), r.PathValue("oid"))
	if errors.Is(err, tenant.ErrNotFound) || (err == nil && !m.Allowed(r, o.TenantID, marketplace.ObjOrder, authz.Read)) {
		m.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		m.ServerError(w, r, err)
		return nil, false
	}
	if act != authz.Read && !m.Allowed(r, o.TenantID, marketplace.ObjOrder, act) {
		m.Forbidden(w, r, "Den Stand einer Bestellung ändert das Ministerium.")
		return nil, false
	}
	return o, true
}

func (m *Pages) OrderPage(w http.ResponseWriter, r *http.Request) {
	o, ok := m.orderFor(w, r, authz.Read)
	if !ok {
		return
	}
	m.renderOrder(w, r, http.StatusOK, o, ui.NewForm(), "")
}

func (m *Pages) renderOrder(w http.ResponseWriter, r *http.Request, status int, o *marketplace.Order, f *ui.Form, problem string) {
	nav, err := m.nav(r, "bestellungen")
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	d := orderData{Order: o, Form: f, Problem: problem, Nav: nav,
		Ministry: m.Allowed(r, o.TenantID, marketplace.ObjOrder, authz.Update) && m.isMinistry(r, marketplace.ObjOrder, authz.Update)}
	if d.Ministry {
		d.Next = ui.Options(o.State.Next())
	}
	if d.Cases, err = m.orderCases(r, o); err != nil {
		m.ServerError(w, r, err)
		return
	}
	if d.Ministry {
		d.Suggest = suggestedState(o.State, d.Cases)
	}
	if f.Get("version") == "" {
		f.Set("version", strconv.Itoa(o.Version))
	}
	m.Render(w, r, status, "markt-bestellung", m.page(r, "Bestellung "+strconv.FormatInt(o.Number, 10), d))
}

func (m *Pages) ChangeOrderState(w http.ResponseWriter, r *http.Request) {
	o, ok := m.orderFor(w, r, authz.Update)
	if !ok {
		return
	}
	if !m.requireMinistry(w, r, marketplace.ObjOrder, authz.Update) {
		return
	}
	f := ui.NewForm()
	to := marketplace.OrderState(r.PostForm.Get("stand"))
	f.Set("stand", string(to))
	reason := f.LongText(r, "grund", marketplace.MaxReason)
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	f.Set("version", strconv.Itoa(version))
	if !slices.Contains(o.State.Next(), to) {
		f.Add("stand", "Bitte wählen Sie einen der angebotenen Stände.")
	}
	if f.Invalid() {
		m.renderOrder(w, r, http.StatusUnprocessableEntity, o, f, "")
		return
	}
	_, err := m.store.ChangeOrderState(r.Context(), o.ID, to, reason, version)
	switch {
	case err == nil:
		ui.SeeOther(w, r, "/admin/marktplatz/bestellungen/"+o.ID, "stand")
	case errors.Is(err, tenant.ErrStaleVersion):
		if o, err = m.store.GetOrder(r.Context(), o.ID); err != nil {
			m.ServerError(w, r, err)
			return
		}
		f.Set("version", "")
		m.renderOrder(w, r, http.StatusConflict, o, f, "Die Bestellung wurde zwischenzeitlich geändert. Bitte prüfen Sie den aktuellen Stand und wählen Sie erneut.")
	case f.StoreErrors(err, func(field string) string {
		return map[string]string{"reason": "grund", "state": "stand"}[field]
	}):
		m.renderOrder(w, r, http.StatusUnprocessableEntity, o, f, "")
	case refusal(err) != "":
		m.renderOrder(w, r, statusOf(err), o, f, refusal(err))
	default:
		m.ServerError(w, r, err)
	}
}

// orderCases returns the onboarding cases the order opened, in the
// catalogue's order, when onboarding is wired and the person may read the
// municipality's cases; the order's state is set by the ministry by hand,
// so the cases show where the Anbindung really stands.
func (m *Pages) orderCases(r *http.Request, o *marketplace.Order) ([]onboarding.Case, error) {
	if m.cases == nil || !m.Allowed(r, o.TenantID, onboarding.ObjCase, authz.Read) {
		return nil, nil
	}
	all, err := m.cases.ListCases(r.Context(), o.TenantID)
	if err != nil {
		return nil, fmt.Errorf("cases of order %d: %w", o.Number, err)
	}
	var out []onboarding.Case
	for _, c := range all {
		if c.OrderID == o.ID {
			out = append(out, c)
		}
	}
	return out, nil
}

// suggestedState is the state the order's cases say it has reached, when
// the order's own state lags behind: "In Anbindung" once a case has begun,
// "Abgeschlossen" once every case is live; "" otherwise.
func suggestedState(state marketplace.OrderState, cases []onboarding.Case) marketplace.OrderState {
	if len(cases) == 0 || (state != marketplace.OrderReceived && state != marketplace.OrderConfirmed && state != marketplace.OrderConnecting) {
		return ""
	}
	begun, live := false, true
	for _, c := range cases {
		begun = begun || c.Stage != onboarding.StageOrdered
		live = live && c.Live()
	}
	switch {
	case live:
		return marketplace.OrderCompleted
	case begun && state != marketplace.OrderConnecting:
		return marketplace.OrderConnecting
	}
	return ""
}
