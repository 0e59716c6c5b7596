package onboarding

import (
	"net/http"
	"net/url"

	"sozialplattform/onboarding/delivery"
	"sozialplattform/tenant/authz"
)

// healthView is a case's delivery health with the link to its failed
// deliveries ("" when the person may not open the delivery list).
type healthView struct {
	H    delivery.Health
	Link string
}

// caseHealth loads the delivery health of the cases f names, keyed by
// case ID (finding m16: a live case whose applications fail must show
// it). Without the delivery it is empty.
func (o *Pages) caseHealth(r *http.Request, f delivery.HealthFilter) (map[string]healthView, error) {
	out := map[string]healthView{}
	if o.deliveries == nil {
		return out, nil
	}
	hs, err := o.deliveries.Health(r.Context(), f)
	if err != nil {
		return nil, err
	}
	links := map[string]bool{}
	for id, h := range hs {
		may, seen := links[h.TenantID]
		if !seen {
			may = o.Allowed(r, h.TenantID, delivery.ObjDelivery, authz.Read)
			links[h.TenantID] = may
		}
		v := healthView{H: h}
		if may {
			v.Link = failedLink(h.TenantID, h.Antragsstrecke)
		}
		out[id] = v
	}
	return out, nil
}

// failedLink is the delivery list of a tenant narrowed to the failed or
// rejected applications of one Antragsstrecke.
func failedLink(tenantID, antragsstrecke string) string {
	q := url.Values{"status": {delivery.FilterProblem}, "strecke": {antragsstrecke}}
	return "/admin/zustellung/" + url.PathEscape(tenantID) + "?" + q.Encode()
}

// healthBadge is the KERN badge modifier of a health level.
func healthBadge(level string) string {
	switch level {
	case delivery.HealthFailing:
		return "kern-badge--danger"
	case delivery.HealthDegraded:
		return "kern-badge--warning"
	case delivery.HealthOK:
		return "kern-badge--success"
	}
	return ""
}
