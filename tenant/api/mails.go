package api

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/keyset"
	"sozialplattform/tenant/mail"
)

type listMailsInput struct {
	Status string `query:"status" enum:"queued,sent,failed" doc:"Nur E-Mails in diesem Zustand"`
	PageQuery
}

type listMailsOutput struct {
	PageHeaders
	Body struct {
		PageBody
		Items []mail.Stored `json:"items" doc:"E-Mails an Behörden und ihre Beschäftigten, ohne Inhalt"`
		// CitizenMails are the mails to citizens, counted only.
		CitizenMails []mail.TemplateCount `json:"citizenMails" doc:"E-Mails an Bürgerinnen und Bürger (Servicekonto, Termine, Anträge): nur Anzahlen je Vorlage und Zustand"`
	}
}

type retryCitizenMailsInput struct {
	Template string `path:"template" maxLength:"100" doc:"Vorlage, z. B. appointment-confirmation"`
}

type retryCitizenMailsOutput struct {
	Body struct {
		Requeued int `json:"requeued" doc:"so viele fehlgeschlagene E-Mails stehen wieder in der Warteschlange"`
	}
}

type mailPathInput struct {
	MailID string `path:"mailId" maxLength:"64"`
}

type mailOutput struct{ Body mail.Stored }

func (c *Core) registerMails(api huma.API) {
	Register(api, huma.Operation{
		OperationID: "listMails", Method: http.MethodGet, Path: "/v1/mails", Tags: []string{tagOps},
		Summary: "Postausgang",
		Description: "E-Mails der sichtbaren Körperschaften mit Zustand, Versuchen und letztem Fehler – ohne Inhalt, denn Einladungs- und Passwort-Links sind Geheimnisse. " +
			"E-Mails an Bürgerinnen und Bürger erscheinen nur als Anzahl je Vorlage.",
	}, Access{Obj: authz.ObjMail, Act: authz.Read}, func(ctx context.Context, in *listMailsInput) (*listMailsOutput, error) {
		ids, all := c.mailScope(ctx, authz.Read)
		f := mail.ListFilter{Status: mail.Status(in.Status)}
		if !all {
			f.TenantIDs = ids
		}
		p, err := PageOf[keyset.TimeKey](in.PageQuery, "mails")
		if err != nil {
			return nil, err
		}
		rows, err := c.outbox.ListPage(ctx, f, p)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		counts, err := c.outbox.CitizenCounts(ctx, f)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out := &listMailsOutput{}
		var pg Page
		if out.Body.Items, pg, err = NextPage(ctx, "mails", rows, p, mail.Stored.PageKey); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out.Body.CitizenMails = counts
		out.PageHeaders, out.Body.PageBody = pg.Headers, pg.Body
		return out, nil
	})
	Register(api, huma.Operation{
		OperationID: "retryCitizenMails", Method: http.MethodPost, Path: "/v1/mails/citizen/{template}/retry", Tags: []string{tagOps},
		Summary:     "E-Mails an Bürger erneut versenden",
		Description: "Stellt die fehlgeschlagenen E-Mails einer Vorlage an Bürgerinnen und Bürger der sichtbaren Körperschaften wieder in die Warteschlange, ohne sie zu zeigen.",
	}, Access{Obj: authz.ObjMail, Act: authz.Update}, func(ctx context.Context, in *retryCitizenMailsInput) (*retryCitizenMailsOutput, error) {
		ids, all := c.mailScope(ctx, authz.Update)
		f := mail.ListFilter{}
		if !all {
			f.TenantIDs = ids
		}
		n, err := c.outbox.RetryCitizenFailed(ctx, f, in.Template)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out := &retryCitizenMailsOutput{}
		out.Body.Requeued = n
		return out, nil
	})
	Register(api, huma.Operation{
		OperationID: "retryMail", Method: http.MethodPost, Path: "/v1/mails/{mailId}/retry", Tags: []string{tagOps},
		Summary: "E-Mail erneut versenden", Description: "Stellt eine fehlgeschlagene E-Mail wieder in die Warteschlange.",
	}, Access{Obj: authz.ObjMail, Act: authz.Update}, func(ctx context.Context, in *mailPathInput) (*mailOutput, error) {
		m, err := c.outbox.Get(ctx, in.MailID)
		if errors.Is(err, mail.ErrNotFound) || (err == nil && !c.mayReachMail(ctx, m, authz.Update)) {
			return nil, huma.Error404NotFound("Diese E-Mail gibt es nicht.")
		}
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		if err := c.outbox.Retry(ctx, in.MailID); err != nil {
			if errors.Is(err, mail.ErrAlreadySent) {
				return nil, huma.Error409Conflict("Diese E-Mail wurde bereits versandt.")
			}
			return nil, Problem(ctx, c.logger, err)
		}
		if m, err = c.outbox.Get(ctx, in.MailID); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		m.TextBody, m.HTMLBody = "", ""
		return &mailOutput{Body: m}, nil
	})
}

// mailScope returns the tenants whose mail the caller may act on, and
// whether the caller may also see mails without a tenant (password resets),
// which only who holds the right on a root tenant (the ministry) may.
func (c *Core) mailScope(ctx context.Context, act string) ([]string, bool) {
	p := authz.PrincipalFrom(ctx)
	ids := c.authz.Tenants(p, authz.ObjMail, act)
	for _, id := range ids {
		if c.authz.IsRoot(id) {
			return ids, true
		}
	}
	return ids, false
}

func (c *Core) mayReachMail(ctx context.Context, m mail.Stored, act string) bool {
	ids, all := c.mailScope(ctx, act)
	return all || (m.TenantID != "" && slices.Contains(ids, m.TenantID))
}
