package mail_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant/mail"
)

func TestEnqueueStoresARenderedQueuedMessage(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	o := newOutbox(t, db)
	before := time.Now().UTC().Add(-time.Second)
	id := enqueue(t, db, o, invitation("anna.beispiel@example.org"))

	m := get(t, o, id)
	if m.Status != mail.StatusQueued || m.Attempts != 0 || m.LeaseUntil != nil || m.SentAt != nil {
		t.Errorf("new message: status %s, attempts %d, lease %v, sent %v", m.Status, m.Attempts, m.LeaseUntil, m.SentAt)
	}
	if m.To != "anna.beispiel@example.org" || m.From != "Sozialplattform <noreply@sozial.example.de>" {
		t.Errorf("addresses: from %q to %q", m.From, m.To)
	}
	if m.Subject != "Einladung zu Sozialplattform Musterland: Landkreis Musterstadt" {
		t.Errorf("subject %q", m.Subject)
	}
	if !strings.Contains(m.TextBody, testLink) || !strings.Contains(m.HTMLBody, testLink) {
		t.Error("link missing in a body")
	}
	if m.NextAttemptAt.Before(before) || m.NextAttemptAt.After(time.Now().Add(time.Second)) {
		t.Errorf("next attempt %s is not now", m.NextAttemptAt)
	}
	if m.TenantID != "" {
		t.Errorf("tenant %q, want none", m.TenantID)
	}
}

func TestEnqueueRejects(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	o := newOutbox(t, db)
	tests := []struct {
		name string
		m    mail.Message
		want error
	}{
		{"unknown template", mail.Message{To: "a@example.org", Template: "account-activated"}, mail.ErrUnknownTemplate},
		{"invalid address", mail.Message{To: "kein-at-zeichen", Template: mail.TemplatePasswordReset,
			Data: mail.PasswordResetData{Link: "https://x"}}, mail.ErrInvalidAddress},
		{"two addresses", mail.Message{To: "a@example.org, b@example.org", Template: mail.TemplatePasswordReset,
			Data: mail.PasswordResetData{Link: "https://x"}}, mail.ErrInvalidAddress},
		{"header injection", mail.Message{To: "a@example.org\r\nBcc: b@example.org", Template: mail.TemplatePasswordReset,
			Data: mail.PasswordResetData{Link: "https://x"}}, mail.ErrInvalidAddress},
		{"data of another template", mail.Message{To: "a@example.org", Template: mail.TemplateInvitation,
			Data: mail.PasswordResetData{}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := o.Enqueue(context.Background(), db.Write, tt.m)
			if err == nil {
				t.Fatal("accepted")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
	if got, err := o.List(context.Background(), mail.ListFilter{}); err != nil || len(got) != 0 {
		t.Errorf("rejected messages were stored: %d, %v", len(got), err)
	}
}

func TestEnqueueJoinsTheCallersTransaction(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	o := newOutbox(t, db)
	ctx := context.Background()
	rollback := errors.New("rollback")
	err := db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := o.Enqueue(ctx, tx, invitation("rolled.back@example.org")); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	if err := db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return o.Enqueue(ctx, tx, invitation("committed@example.org"))
	}); err != nil {
		t.Fatal(err)
	}
	got, err := o.List(ctx, mail.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].To != "committed@example.org" {
		t.Errorf("after one rollback and one commit: %+v", got)
	}
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	o := newOutbox(t, db)
	ctx := context.Background()
	addTenant(t, db, "t1")
	addTenant(t, db, "t2")
	for _, m := range []struct{ tenant, to string }{
		{"t1", "a@example.org"}, {"t1", "b@example.org"}, {"t2", "c@example.org"}, {"", "platform@example.org"},
	} {
		msg := invitation(m.to)
		msg.TenantID = m.tenant
		enqueue(t, db, o, msg)
	}
	failedID := enqueue(t, db, o, invitation("failed@example.org"))
	if _, err := db.Write.NewUpdate().Model((*mail.Stored)(nil)).Set("status = ?", mail.StatusFailed).
		Where("id = ?", failedID).Exec(ctx); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		f    mail.ListFilter
		want []string // recipients, newest first
	}{
		{"all", mail.ListFilter{}, []string{"failed@example.org", "platform@example.org", "c@example.org", "b@example.org", "a@example.org"}},
		{"one tenant", mail.ListFilter{TenantIDs: []string{"t1"}}, []string{"b@example.org", "a@example.org"}},
		{"two tenants", mail.ListFilter{TenantIDs: []string{"t1", "t2"}}, []string{"c@example.org", "b@example.org", "a@example.org"}},
		{"no tenant visible", mail.ListFilter{TenantIDs: []string{}}, nil},
		{"failed", mail.ListFilter{Status: mail.StatusFailed}, []string{"failed@example.org"}},
		{"limit", mail.ListFilter{Limit: 2}, []string{"failed@example.org", "platform@example.org"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := o.List(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var to []string
			for _, m := range got {
				to = append(to, m.To)
			}
			if strings.Join(to, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", to, tt.want)
			}
		})
	}
}

func TestListLeavesOutTheBodiesGetHasThem(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	o := newOutbox(t, db)
	id := enqueue(t, db, o, invitation("a@example.org"))
	list, err := o.List(context.Background(), mail.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != id || list[0].Subject == "" || list[0].CreatedAt.IsZero() {
		t.Fatalf("list %+v", list)
	}
	if list[0].TextBody != "" || list[0].HTMLBody != "" {
		t.Error("List returned bodies with live links")
	}
	if m := get(t, o, id); !strings.Contains(m.TextBody, testLink) || !strings.Contains(m.HTMLBody, testLink) {
		t.Error("Get lacks the bodies")
	}
}

func TestGetUnknown(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	o := newOutbox(t, db)
	if _, err := o.Get(context.Background(), "nope"); !errors.Is(err, mail.ErrNotFound) {
		t.Errorf("error %v, want ErrNotFound", err)
	}
	if err := o.Retry(context.Background(), "nope"); !errors.Is(err, mail.ErrNotFound) {
		t.Errorf("retry: error %v, want ErrNotFound", err)
	}
}
