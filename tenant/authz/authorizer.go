package authz

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casbin/casbin/v2"

	"sozialplattform/migrations"
	"sozialplattform/tenant"
)

// Authorizer answers access questions from an in-memory casbin enforcer
// and tenant tree, both replaced whole on reload so that readers never wait.
type Authorizer struct {
	db       *migrations.DB
	logger   *slog.Logger
	state    atomic.Pointer[snapshot]
	reloadMu sync.Mutex
}

// snapshot is one consistent view of policy and tree.
type snapshot struct {
	revision int64
	enforcer *casbin.SyncedEnforcer
	parent   map[string]string
	children map[string][]string
	// domains lists, per subject, the tenants where it holds a role: only
	// there casbin needs to be asked, since rights pass down from them.
	domains map[string][]string
}

// New loads the policy and tree from db.
func New(ctx context.Context, db *migrations.DB, logger *slog.Logger) (*Authorizer, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	a := &Authorizer{db: db, logger: logger}
	if err := a.Reload(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *Authorizer) readRevision(ctx context.Context) (int64, error) {
	var rev int64
	if err := a.db.Read.NewRaw("SELECT revision FROM authz_revision WHERE id = 1").Scan(ctx, &rev); err != nil {
		return 0, fmt.Errorf("read policy revision: %w", err)
	}
	return rev, nil
}

// Reload rebuilds the enforcer and the tenant tree from the database.
func (a *Authorizer) Reload(ctx context.Context) error {
	a.reloadMu.Lock()
	defer a.reloadMu.Unlock()
	// Read the revision first: a change committed while loading bumps it
	// again, and the next check reloads once more.
	rev, err := a.readRevision(ctx)
	if err != nil {
		return err
	}
	m, err := newModel()
	if err != nil {
		return err
	}
	e, err := casbin.NewSyncedEnforcer(m, NewAdapter(a.db))
	if err != nil {
		return fmt.Errorf("load access policy: %w", err)
	}
	e.EnableAutoSave(false)
	nodes, err := tenant.Tree(ctx, a.db.Read)
	if err != nil {
		return err
	}
	s := &snapshot{revision: rev, enforcer: e, parent: map[string]string{}, children: map[string][]string{}, domains: map[string][]string{}}
	assignments, err := e.GetGroupingPolicy()
	if err != nil {
		return fmt.Errorf("read role assignments: %w", err)
	}
	for _, g := range assignments {
		if len(g) == 3 {
			tid := strings.TrimPrefix(g[2], domainPrefix)
			if !slices.Contains(s.domains[g[0]], tid) {
				s.domains[g[0]] = append(s.domains[g[0]], tid)
			}
		}
	}
	for _, n := range nodes {
		if n.ParentID != "" {
			s.parent[n.ID] = n.ParentID
			s.children[n.ParentID] = append(s.children[n.ParentID], n.ID)
		}
	}
	a.state.Store(s)
	return nil
}

// Refresh reloads when the stored revision differs from the loaded one.
func (a *Authorizer) Refresh(ctx context.Context) error {
	rev, err := a.readRevision(ctx)
	if err != nil {
		return err
	}
	if rev == a.state.Load().revision {
		return nil
	}
	return a.Reload(ctx)
}

// Watch refreshes every interval until ctx ends; this is how a policy change
// made on another instance arrives here.
func (a *Authorizer) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.Refresh(ctx); err != nil && ctx.Err() == nil {
				a.logger.Warn("refresh access policy", "err", err)
			}
		}
	}
}

// ancestors returns the tenant and every tenant above it, nearest first.
func (s *snapshot) ancestors(tenantID string) []string {
	out := []string{tenantID}
	for id := tenantID; ; {
		p, ok := s.parent[id]
		if !ok || slices.Contains(out, p) {
			return out
		}
		out = append(out, p)
		id = p
	}
}

// allowed asks casbin at each tenant on the way up from tenantID where
// the subject holds a role.
func (s *snapshot) allowed(sub, tenantID, obj, act string) bool {
	held := s.domains[sub]
	if len(held) == 0 {
		return false
	}
	for _, d := range s.ancestors(tenantID) {
		if slices.Contains(held, d) && s.enforce(sub, d, obj, act) {
			return true
		}
	}
	return false
}

func (s *snapshot) enforce(sub, tenantID, obj, act string) bool {
	ok, err := s.enforcer.Enforce(sub, domainOf(tenantID), obj, act)
	return err == nil && ok
}

// Allowed reports whether p may do act on obj in the tenant: a role held
// in the tenant or in any tenant above it counts.
func (a *Authorizer) Allowed(p Principal, tenantID, obj, act string) bool {
	if p.IsZero() || tenantID == "" {
		return false
	}
	return a.state.Load().allowed(p.Subject(), tenantID, obj, act)
}

// AllowedHere reports whether p may do act on obj in the tenant through a
// role held in that tenant itself, not one inherited from above: the
// tenant's own administration, as opposed to the ministry above it. Secret
// links in a tenant's mails are for its own admins only.
func (a *Authorizer) AllowedHere(p Principal, tenantID, obj, act string) bool {
	if p.IsZero() || tenantID == "" {
		return false
	}
	s := a.state.Load()
	sub := p.Subject()
	return slices.Contains(s.domains[sub], tenantID) && s.enforce(sub, tenantID, obj, act)
}

// AllowedAnywhere reports whether p may do act on obj in at least one tenant.
func (a *Authorizer) AllowedAnywhere(p Principal, obj, act string) bool {
	if p.IsZero() {
		return false
	}
	s := a.state.Load()
	sub := p.Subject()
	for _, d := range s.domains[sub] {
		if s.enforce(sub, d, obj, act) {
			return true
		}
	}
	return false
}

// Tenants returns every tenant in which p may do act on obj: the tenants
// where p holds a role and all tenants below them, filtered by the rule.
func (a *Authorizer) Tenants(p Principal, obj, act string) []string {
	if p.IsZero() {
		return []string{}
	}
	s := a.state.Load()
	sub := p.Subject()
	seen := map[string]bool{}
	out := []string{}
	var walk func(id string)
	walk = func(id string) {
		if seen[id] {
			return
		}
		seen[id] = true
		out = append(out, id)
		for _, c := range s.children[id] {
			walk(c)
		}
	}
	// Where casbin allows it at a held tenant, it is allowed in the whole
	// subtree; a tenant below allowed only through its own role is a held
	// tenant itself.
	for _, d := range s.domains[sub] {
		if s.enforce(sub, d, obj, act) {
			walk(d)
		}
	}
	slices.Sort(out)
	return out
}

// Roles returns the roles p holds in the tenant itself or inherits from
// above it, the nearest first.
func (a *Authorizer) Roles(p Principal, tenantID string) []tenant.Role {
	if p.IsZero() {
		return nil
	}
	s := a.state.Load()
	var out []tenant.Role
	held := s.domains[p.Subject()]
	for _, d := range s.ancestors(tenantID) {
		if !slices.Contains(held, d) {
			continue
		}
		for _, r := range s.enforcer.GetRolesForUserInDomain(p.Subject(), domainOf(d)) {
			role := tenant.Role(strings.TrimPrefix(r, rolePrefix))
			if !slices.Contains(out, role) {
				out = append(out, role)
			}
		}
	}
	return out
}

// CanGrant reports whether p may give role in the tenant to someone (by
// invitation, role change or API token): one of p's roles there must allow
// granting it.
func (a *Authorizer) CanGrant(p Principal, tenantID string, role tenant.Role) bool {
	for _, r := range a.Roles(p, tenantID) {
		if r.CanGrant(role) {
			return true
		}
	}
	return false
}

// Subtree returns the tenant and every tenant below it.
func (a *Authorizer) Subtree(tenantID string) []string {
	s := a.state.Load()
	out := []string{}
	var walk func(id string)
	walk = func(id string) {
		out = append(out, id)
		for _, c := range s.children[id] {
			walk(c)
		}
	}
	walk(tenantID)
	return out
}

// NewFilteredEnforcer loads a casbin enforcer holding only the role
// assignments of the filter's tenants – for tools that look at one tenant's
// rights without loading the whole state.
func NewFilteredEnforcer(db *migrations.DB, f Filter) (*casbin.Enforcer, error) {
	m, err := newModel()
	if err != nil {
		return nil, err
	}
	e, err := casbin.NewEnforcer(m)
	if err != nil {
		return nil, fmt.Errorf("casbin enforcer: %w", err)
	}
	e.SetAdapter(NewAdapter(db))
	if err := e.LoadFilteredPolicy(f); err != nil {
		return nil, fmt.Errorf("load filtered policy: %w", err)
	}
	return e, nil
}

// IsRoot reports whether the tenant has no parent (a Land).
func (a *Authorizer) IsRoot(tenantID string) bool {
	_, hasParent := a.state.Load().parent[tenantID]
	return !hasParent
}
