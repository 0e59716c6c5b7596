package authz

import (
	"fmt"

	"github.com/casbin/casbin/v2/model"
)

// modelText is RBAC with domains. A permission rule may name the domain "*"
// (valid in every tenant), an object "*" and an action "*".
const modelText = `
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && (p.dom == "*" || r.dom == p.dom) && (p.obj == "*" || r.obj == p.obj) && (p.act == "*" || r.act == p.act)
`

func newModel() (model.Model, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("casbin model: %w", err)
	}
	return m, nil
}

// Subject and domain prefixes. A user named like a role can never become
// that role, because the two live in different prefixes.
const (
	userPrefix   = "user:"
	tokenPrefix  = "token:"
	rolePrefix   = "role:"
	domainPrefix = "tenant:"
)

func domainOf(tenantID string) string { return domainPrefix + tenantID }
