package core

import (
	"net/http"
	"slices"
	"sozialplattform/admin/ui"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

type dashboardData struct {
	// Work are the work lists: the ministry's "Aufgaben", a
	// municipality's "Erste Schritte" (ui.Shell.Tasks).
	Work        []ui.TaskList
	Memberships []membershipView
	Tree        []*treeNode
	Count       int
}

// membershipView is a role of the user in a tenant.
type membershipView struct {
	Tenant tenant.Tenant
	Role   tenant.Role
}

// treeNode is a tenant with the tenants below it that the user may see.
type treeNode struct {
	Tenant   tenant.Tenant
	Children []*treeNode
	// Folded are kinds of children too many to list here (the Land's
	// 2,000 counselling organisations, a Kreis's Gemeinden at the Land's
	// size): the start page names their number and links to the tenant's
	// page, which lists its children page by page.
	Folded []foldedGroup
}

// foldedGroup is a number of children of one kind.
type foldedGroup struct {
	Kind  tenant.Kind
	Count int
}

// treeGroupMax is the most children of one kind the start page lists
// under a tenant; more are folded into their number.
const treeGroupMax = 25

func (c *Pages) Dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := ui.UserFrom(r)
	ms, err := c.memberships(r, u.ID)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	ids := c.Authz.Tenants(authz.PrincipalFrom(ctx), authz.ObjTenant, authz.Read)
	ts, err := c.Store.ListTenants(ctx, tenant.TenantFilter{IDs: ids})
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	work, err := c.Tasks(r)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	c.Render(w, r, http.StatusOK, "uebersicht", &ui.View{Title: "Übersicht", Nav: "uebersicht",
		Data: dashboardData{Work: work, Memberships: ms, Tree: buildTree(ts), Count: len(ts)}})
}

// memberships returns the user's roles with their tenants.
func (c *Pages) memberships(r *http.Request, userID string) ([]membershipView, error) {
	ms, err := c.Store.Memberships(r.Context(), userID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.TenantID
	}
	ts, err := c.Store.ListTenants(r.Context(), tenant.TenantFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]tenant.Tenant, len(ts))
	for _, t := range ts {
		byID[t.ID] = t
	}
	out := make([]membershipView, 0, len(ms))
	for _, m := range ms {
		if t, ok := byID[m.TenantID]; ok {
			out = append(out, membershipView{Tenant: t, Role: m.Role})
		}
	}
	return out, nil
}

// kindRank orders siblings: Kreise and kreisfreie Städte (and Gemeinden
// below a Kreis) first, then Landesbehörden, then organisations.
func kindRank(k tenant.Kind) int {
	switch k {
	case tenant.KindLandesbehoerde:
		return 1
	case tenant.KindOrganisation:
		return 2
	}
	return 0
}

// buildTree arranges tenants as the hierarchy: a tenant whose parent is
// not among them is a root. Siblings keep the store's order (official key,
// then name) within their kind group.
func buildTree(ts []tenant.Tenant) []*treeNode {
	nodes := make(map[string]*treeNode, len(ts))
	for _, t := range ts {
		nodes[t.ID] = &treeNode{Tenant: t}
	}
	var roots []*treeNode
	for _, t := range ts {
		n := nodes[t.ID]
		if p, ok := nodes[t.Parent()]; ok && t.Parent() != t.ID {
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	var sortNodes func([]*treeNode)
	sortNodes = func(ns []*treeNode) {
		slices.SortStableFunc(ns, func(a, b *treeNode) int { return kindRank(a.Tenant.Kind) - kindRank(b.Tenant.Kind) })
		for _, n := range ns {
			sortNodes(n.Children)
		}
	}
	sortNodes(roots)
	fold(roots)
	return roots
}

// fold replaces every group of more than treeGroupMax children of one
// kind by its number, at every level (see treeNode.Folded).
func fold(ns []*treeNode) {
	for _, n := range ns {
		count := map[tenant.Kind]int{}
		for _, c := range n.Children {
			count[c.Tenant.Kind]++
		}
		kept := n.Children[:0]
		for _, c := range n.Children {
			if count[c.Tenant.Kind] <= treeGroupMax {
				kept = append(kept, c)
				continue
			}
			if i := slices.IndexFunc(n.Folded, func(g foldedGroup) bool { return g.Kind == c.Tenant.Kind }); i < 0 {
				n.Folded = append(n.Folded, foldedGroup{Kind: c.Tenant.Kind, Count: count[c.Tenant.Kind]})
			}
		}
		n.Children = kept
		fold(n.Children)
	}
}
