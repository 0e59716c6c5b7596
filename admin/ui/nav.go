package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"strings"
	"time"
)

// TenantNav is the sub-navigation of a tenant's pages (data, members,
// invitations, tokens, log, portal).
type TenantNav struct {
	Tenant                            *tenant.Tenant
	Trail                             []tenant.Tenant // visible tenants above, the root first
	Title                             string          // the page's heading
	Current                           string
	Users, Invitations, Tokens, Audit bool
}

// TenantNavFor builds the sub-navigation of tenant t's pages for the
// request's person.
func (c *Shell) TenantNavFor(r *http.Request, t *tenant.Tenant, current, title string) TenantNav {
	n := TenantNav{Tenant: t, Current: current, Title: title,
		Users:       c.Allowed(r, t.ID, authz.ObjUser, authz.Read),
		Invitations: c.Allowed(r, t.ID, authz.ObjInvitation, authz.Read),
		Tokens:      c.Allowed(r, t.ID, authz.ObjAPIToken, authz.Read),
		Audit:       c.Allowed(r, t.ID, authz.ObjAudit, authz.Read),
	}
	// The hierarchy is shallow (Land, Kreis, Gemeinde, Organisation).
	for id, depth := t.Parent(), 0; id != "" && depth < 8; depth++ {
		p, err := c.Store.GetTenant(r.Context(), id)
		if err != nil || !c.Allowed(r, p.ID, authz.ObjTenant, authz.Read) {
			break
		}
		n.Trail = append([]tenant.Tenant{*p}, n.Trail...)
		id = p.Parent()
	}
	return n
}

// FilterDay reads a date filter ("2026-11-28" or "28.11.2026") as the start
// of that day in German time, or of the next day when end is set.
func (c *Shell) FilterDay(f *Form, q url.Values, id string, end bool) time.Time {
	v := strings.TrimSpace(q.Get(id))
	if v == "" {
		return time.Time{}
	}
	f.Set(id, v)
	for _, layout := range []string{"2006-01-02", "02.01.2006", "2.1.2006"} {
		if d, err := time.ParseInLocation(layout, v, c.Loc); err == nil {
			if end {
				d = d.AddDate(0, 0, 1)
			}
			return d
		}
	}
	f.Add(id, "Bitte geben Sie ein Datum wie 28.11.2026 an.")
	return time.Time{}
}

// HumanSize shows a file size in German, "1,2 MB".
func HumanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/(1<<20)), ".", ",", 1)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+512)>>10)
	}
	return fmt.Sprintf("%d Byte", n)
}
