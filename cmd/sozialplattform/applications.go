package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/onboarding/delivery"
	"sozialplattform/portal/citizen"
	"sozialplattform/portal/forms"
	"sozialplattform/portal/forms/handover"
	"sozialplattform/portal/www"
	"sozialplattform/portal/xsozial"
	"sozialplattform/tenant/jobs"
)

// applicationsConfig are the options of the online applications (issue 6).
type applicationsConfig struct {
	DataKey       string // key-encryption keys, "id:base64" or base64, the primary first
	DraftDays     int
	RetentionDays int
	ReminderDays  int
	MaxDrafts     int    // open drafts per citizen
	SAMLMetadata  string // IdP metadata: https URL or file; empty: no SAML login
	SAMLKey       string // SP key and certificate (PEM files); empty: generated
	SAMLCert      string
	SAMLName      string
	// SAMLAllowUnencrypted accepts assertions that are only signed, not
	// encrypted: for test identity providers, never in production.
	SAMLAllowUnencrypted bool
}

func parseDays(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), "d"))
	if err != nil || n < 1 || n > 3650 {
		return 0, fmt.Errorf("1 bis 3650 Tage erwartet")
	}
	return n, nil
}

// enqueueDelivery writes a delivery outbox entry: through the delivery
// service when the server runs one, else straight into the table.
func (a *app) enqueueDelivery(ctx context.Context, db bun.IDB, doc delivery.Document) (string, error) {
	if a.delivery != nil {
		return a.delivery.Enqueue(ctx, db, doc)
	}
	return delivery.Enqueue(ctx, db, doc)
}

// buildApplications builds the online applications: the form store with
// its delivery outbox, the citizen accounts, the SAML login and the
// retention job. The portal pages and the API are registered in
// server.go.
func (a *app) buildApplications(ctx context.Context) error {
	keys := a.dataKeys
	reg, err := forms.Load()
	if err != nil {
		return err
	}
	c := a.cfg.Apps
	a.forms, err = forms.NewStore(forms.Deps{DB: a.db, Keys: keys, Registry: reg, Tenants: a.store, Mailer: a.outbox,
		Outbox:      handover.Outbox(a.enqueueDelivery),
		Destination: handover.Destination(a.onboard.Destination),
		Options: forms.Options{Links: www.FormsLinks(a.cfg.BaseURL), MaxDrafts: c.MaxDrafts, PlatformName: a.cfg.Identity.Name,
			Author: xsozial.Party{Kennung: a.cfg.Identity.Kennung, Name: a.cfg.Identity.Name}, DraftTTL: time.Duration(c.DraftDays) * 24 * time.Hour,
			Retention: time.Duration(c.RetentionDays) * 24 * time.Hour, ReminderBefore: time.Duration(c.ReminderDays) * 24 * time.Hour,
			Logger: a.logger}})
	if err != nil {
		return err
	}
	a.onDeliveryStatus = a.forms.SetDeliveryStatus
	a.citizens = citizen.NewStore(a.db, a.outbox, citizen.Options{Links: www.CitizenLinks(a.cfg.BaseURL), Passwords: a.passwords})
	a.citizenSessions = citizen.NewSessions(a.sessions)
	if c.SAMLMetadata != "" {
		md, err := citizen.LoadIDPMetadata(ctx, c.SAMLMetadata, &http.Client{Timeout: 15 * time.Second})
		if err != nil {
			return err
		}
		key, cert, created, err := citizen.LoadOrCreateKeyPair(c.SAMLKey, c.SAMLCert, a.cfg.DataDir, "Sozialplattform Servicekonto")
		if err != nil {
			return err
		}
		if created {
			a.logger.Warn("SAML: a self-signed SP key pair was created in the data folder; configure --saml-key and --saml-cert in production")
		}
		if c.SAMLAllowUnencrypted {
			a.logger.Warn("SAML: unencrypted assertions are accepted (--saml-allow-unencrypted); only for test identity providers")
		}
		if a.saml, err = citizen.NewSAML(a.db, a.citizens, a.citizenSessions, citizen.SAMLConfig{BaseURL: a.cfg.BaseURL, IDPMetadata: md,
			Key: key, Certificate: cert, Name: c.SAMLName, Secure: a.cfg.secure(), Logger: a.logger,
			AllowUnencrypted: c.SAMLAllowUnencrypted}); err != nil {
			return err
		}
	}
	for _, j := range []jobs.Job{
		{Name: "antraege-aufbewahrung", Schedule: "@every 1h", Description: "Erinnerung vor dem Löschen von Antragsentwürfen; abgelaufene Entwürfe und zugestellte Anträge nach der Aufbewahrungsfrist löschen (protokolliert)",
			Run: func(ctx context.Context) error {
				res, err := a.forms.Cleanup(ctx)
				if err == nil && (res.Reminded+res.DraftsDeleted+res.ApplicationsPurged) > 0 {
					a.logger.Info("application retention", "reminded", res.Reminded, "drafts_deleted", res.DraftsDeleted, "applications_purged", res.ApplicationsPurged)
				}
				if err == nil {
					err = citizen.CleanupRequests(ctx, a.db.Write)
				}
				return err
			}},
		{Name: "datenschluessel-rotation", Schedule: "@every 6h", Description: "Datenschlüssel von Entwürfen und Anträgen mit dem aktuellen Hauptschlüssel neu verpacken (nach einem Schlüsselwechsel)",
			Run: func(ctx context.Context) error {
				n, err := a.forms.RotateKeys(ctx)
				if n > 0 {
					a.logger.Info("data keys rewrapped", "records", n, "primary", a.dataKeys.PrimaryID())
				}
				return err
			}},
	} {
		if err := a.jobs.Register(j); err != nil {
			return err
		}
	}
	return nil
}

// registerApplications adds the application and Servicekonto pages to the
// portal; the SAML endpoints are in the transport table (routes.go).
func (a *app) registerApplications() error {
	return a.portal.RegisterApplications(www.ApplicationDeps{Forms: a.forms, Accounts: a.citizens, Sessions: a.citizenSessions,
		SAML: a.saml, Keys: a.dataKeys})
}

// exceptACS keeps the cross-origin protection off the SAML ACS: the
// identity provider posts there from its own site by design, and the ACS
// checks the signed assertion, the request ID and the browser binding.
func exceptACS(protect func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		p := protect(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == citizen.ACSPath {
				next.ServeHTTP(w, r)
				return
			}
			p.ServeHTTP(w, r)
		})
	}
}
