// Package authz decides who may do what where. It runs casbin v2 with RBAC
// over domains, where every tenant is a domain ("tenant:<id>"), subjects are
// prefixed ("user:<id>", "token:<id>", "role:<name>"), and a role held in a
// tenant passes down to every tenant below it.
//
// Role permissions live in the authz_rules table; role assignments come
// from memberships and API tokens. An own bun adapter loads both, also
// filtered by tenant. Every change bumps a revision in the database, and
// each instance reloads when it sees a new one, so that a policy change on
// one instance is enforced on all within seconds.
package authz
