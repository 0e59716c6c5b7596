package citizen

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"sozialplattform/tenant"
)

// DemoEmail is the demo's Servicekonto: confirmed, with tenant.DemoPassword.
const DemoEmail = "buerger@demo.example"

// LoadDemo creates the demo's Servicekonto unless it exists, so that the
// demo's application routes can be tried without a mail server.
func (s *Store) LoadDemo(ctx context.Context) (tenant.DemoLogin, error) {
	login := tenant.DemoLogin{Email: DemoEmail, Role: "Servicekonto", Tenant: "Bürgerportal, z. B. /landkreis-harz/antrag/hzl"}
	if _, err := s.ByEmail(ctx, DemoEmail); err == nil {
		return login, nil
	} else if !errors.Is(err, ErrNotFound) {
		return login, err
	}
	hash := s.opts.Passwords.Hash(tenant.DemoPassword)
	now := s.now()
	email := DemoEmail
	a := &Account{ID: uuid.NewString(), LoginEmail: &email, Email: email, Name: "Erika Mustermann", PasswordHash: hash,
		EmailConfirmedAt: &now, CreatedAt: now, UpdatedAt: now}
	if _, err := s.db.Write.NewInsert().Model(a).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return login, fmt.Errorf("demo citizen: %w", err)
	}
	return login, nil
}
