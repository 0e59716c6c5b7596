package site

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant"
	"sozialplattform/tenant/clock"
	"sozialplattform/tenant/i18n"
	"sozialplattform/tenant/phone"
)

// Store reads and changes the portal data of tenants. Every query names
// its tenant; nothing here reads across tenants except LinksFor, which is
// given the tenants explicitly.
type Store struct {
	db  *migrations.DB
	now func() time.Time
}

// NewStore returns a Store on db.
func NewStore(db *migrations.DB) *Store {
	return &Store{db: db, now: time.Now}
}

func (s *Store) clock() time.Time { return clock.Stamp(s.now()) }

// Field limits.
const (
	MaxText     = 200
	MaxLongText = 1000
	MaxURL      = 500
	MaxLinks    = 200 // per tenant
	MaxOffices  = 50  // per tenant
	MaxVideos   = 100 // per tenant
)

// Settings are a tenant's portal presentation.
type Settings struct {
	TenantID       string    `bun:"tenant_id,pk" json:"-"`
	PrimaryColor   string    `bun:"primary_color" json:"primaryColor"`
	LogoHash       string    `bun:"logo_hash" json:"logoHash,omitempty"`
	LogoAlt        string    `bun:"logo_alt" json:"logoAlt"`
	Phone          string    `bun:"phone" json:"phone"`
	Email          string    `bun:"email" json:"email"`
	Hours          string    `bun:"hours" json:"hours"`
	Website        string    `bun:"website" json:"website"`
	Representative string    `bun:"representative" json:"representative"`
	PrivacyContact string    `bun:"privacy_contact" json:"privacyContact"`
	Version        int       `bun:"version" json:"version"`
	UpdatedAt      time.Time `bun:"updated_at" json:"updatedAt"`
}

type settingsRow struct {
	bun.BaseModel `bun:"table:portal_settings"`
	Settings
	Logo     []byte `bun:"logo"`
	LogoType string `bun:"logo_type"`
}

// settingsColumns are the columns Settings reads (not the logo itself).
var settingsColumns = []string{"tenant_id", "primary_color", "logo_hash", "logo_alt", "phone", "email", "hours",
	"website", "representative", "privacy_contact", "version", "updated_at"}

// editableColumns are those SaveSettings changes.
var editableColumns = []string{"primary_color", "logo_alt", "phone", "email", "hours", "website", "representative",
	"privacy_contact", "version", "updated_at"}

// Settings returns a tenant's settings; a tenant that has saved none gets
// empty ones with Version 0.
func (s *Store) Settings(ctx context.Context, tenantID string) (Settings, error) {
	var row settingsRow
	err := s.db.Read.NewSelect().Model(&row).Column(settingsColumns...).Where("tenant_id = ?", tenantID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Settings{TenantID: tenantID}, nil
	}
	if err != nil {
		return Settings{}, fmt.Errorf("portal settings of %s: %w", tenantID, err)
	}
	return row.Settings, nil
}

// SettingsInput is what the console changes.
type SettingsInput struct {
	PrimaryColor   string `json:"primaryColor"`
	LogoAlt        string `json:"logoAlt"`
	Phone          string `json:"phone"`
	Email          string `json:"email"`
	Hours          string `json:"hours"`
	Website        string `json:"website"`
	Representative string `json:"representative"`
	PrivacyContact string `json:"privacyContact"`
}

func (in *SettingsInput) validate() error {
	var errs tenant.FieldErrors
	in.PrimaryColor = strings.TrimSpace(in.PrimaryColor)
	if in.PrimaryColor != "" {
		c, err := ParseColor(in.PrimaryColor)
		switch {
		case err != nil:
			errs.Add("primaryColor", "Die Farbe ist ungültig: %s.", err.Error())
		case ContrastWithWhite(c) < MinContrast:
			errs.Add("primaryColor", "Die Farbe hat auf Weiß nur einen Kontrast von %.1f:1; nötig sind mindestens %.1f:1 (WCAG 2.1 AA). Bitte wählen Sie einen dunkleren Ton.", ContrastWithWhite(c), MinContrast)
		default:
			in.PrimaryColor = c
		}
	}
	for field, v := range map[string]*string{"logoAlt": &in.LogoAlt, "hours": &in.Hours, "representative": &in.Representative, "privacyContact": &in.PrivacyContact} {
		checkText(&errs, field, v, MaxLongText)
	}
	phone.Check(&errs, "phone", &in.Phone)
	checkEmail(&errs, "email", &in.Email)
	checkURL(&errs, "website", &in.Website, false)
	return errs.Err()
}

// SaveSettings stores a tenant's settings. version must be the Version
// read before (0 for a tenant without settings); a change in between
// gives tenant.ErrStaleVersion.
func (s *Store) SaveSettings(ctx context.Context, tenantID string, in SettingsInput, version int) error {
	if err := in.validate(); err != nil {
		return err
	}
	now := s.clock()
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		row := &settingsRow{Settings: Settings{TenantID: tenantID, PrimaryColor: in.PrimaryColor, LogoAlt: in.LogoAlt,
			Phone: in.Phone, Email: in.Email, Hours: in.Hours, Website: in.Website, Representative: in.Representative,
			PrivacyContact: in.PrivacyContact, Version: version + 1, UpdatedAt: now}}
		var res sql.Result
		var err error
		if version == 0 {
			res, err = tx.NewInsert().Model(row).Column(settingsColumns...).On("CONFLICT (tenant_id) DO NOTHING").Exec(ctx)
		} else {
			res, err = tx.NewUpdate().Model(row).Column(editableColumns...).
				Where("tenant_id = ? AND version = ?", tenantID, version).Exec(ctx)
		}
		if err != nil {
			return fmt.Errorf("save portal settings: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("portal settings of %s: %w", tenantID, tenant.ErrStaleVersion)
		}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: tenantID, Action: "update", ObjectType: "portal-settings",
			ObjectID: tenantID, Summary: map[string]any{"after": in}})
	})
}

// ensureSettings creates an empty settings row for the tenant.
func (s *Store) ensureSettings(ctx context.Context, tx bun.IDB, tenantID string) error {
	row := &settingsRow{Settings: Settings{TenantID: tenantID, Version: 1, UpdatedAt: s.clock()}}
	if _, err := tx.NewInsert().Model(row).Column(settingsColumns...).On("CONFLICT (tenant_id) DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("portal settings of %s: %w", tenantID, err)
	}
	return nil
}

// SetLogo checks an uploaded picture by its content, re-encodes it as PNG
// and stores it as the tenant's logo.
func (s *Store) SetLogo(ctx context.Context, tenantID string, data []byte) error {
	clean, err := cleanLogo(data)
	if err != nil {
		if errors.Is(err, ErrLogoInvalid) {
			var fe tenant.FieldErrors
			fe.Add("logo", "%s", sentence(err.Error()))
			return fe
		}
		return err
	}
	sum := sha256.Sum256(clean)
	hash := hex.EncodeToString(sum[:16])
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.ensureSettings(ctx, tx, tenantID); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*settingsRow)(nil)).Set("logo = ?", clean).Set("logo_type = ?", "image/png").
			Set("logo_hash = ?", hash).Set("version = version + 1").Set("updated_at = ?", s.clock()).
			Where("tenant_id = ?", tenantID).Exec(ctx); err != nil {
			return fmt.Errorf("save logo: %w", err)
		}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: tenantID, Action: "update", ObjectType: "portal-logo",
			ObjectID: tenantID, Summary: map[string]any{"bytes": len(clean), "hash": hash}})
	})
}

// RemoveLogo deletes the tenant's logo.
func (s *Store) RemoveLogo(ctx context.Context, tenantID string) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().Model((*settingsRow)(nil)).Set("logo = NULL").Set("logo_type = ''").
			Set("logo_hash = ''").Set("version = version + 1").Set("updated_at = ?", s.clock()).
			Where("tenant_id = ?", tenantID).Exec(ctx); err != nil {
			return fmt.Errorf("remove logo: %w", err)
		}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: tenantID, Action: "delete", ObjectType: "portal-logo", ObjectID: tenantID})
	})
}

// Logo returns the tenant's logo (PNG) and its hash, or tenant.ErrNotFound.
func (s *Store) Logo(ctx context.Context, tenantID string) ([]byte, string, error) {
	var row settingsRow
	err := s.db.Read.NewSelect().Model(&row).Column("logo", "logo_hash").Where("tenant_id = ?", tenantID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && len(row.Logo) == 0) {
		return nil, "", fmt.Errorf("logo of %s: %w", tenantID, tenant.ErrNotFound)
	}
	if err != nil {
		return nil, "", fmt.Errorf("logo of %s: %w", tenantID, err)
	}
	return row.Logo, row.LogoHash, nil
}

// Office is an authority responsible for one Rechtskreis in a tenant's area.
type Office struct {
	bun.BaseModel `bun:"table:portal_offices" json:"-"`
	ID            string    `bun:"id,pk" json:"id"`
	TenantID      string    `bun:"tenant_id" json:"-"`
	Rechtskreis   string    `bun:"rechtskreis" json:"rechtskreis"`
	Name          string    `bun:"name" json:"name"`
	Street        string    `bun:"street" json:"street"`
	PostalCode    string    `bun:"postal_code" json:"postalCode"`
	City          string    `bun:"city" json:"city"`
	Phone         string    `bun:"phone" json:"phone"`
	Email         string    `bun:"email" json:"email"`
	Website       string    `bun:"website" json:"website"`
	Hours         string    `bun:"hours" json:"hours"`
	CreatedAt     time.Time `bun:"created_at" json:"createdAt"`
	UpdatedAt     time.Time `bun:"updated_at" json:"updatedAt"`
}

var postalCode = regexp.MustCompile(`^[0-9]{5}$`)

func (o *Office) validate() error {
	var errs tenant.FieldErrors
	if !slices.ContainsFunc(Rechtskreise, func(r Rechtskreis) bool { return r.Key == o.Rechtskreis }) {
		errs.Add("rechtskreis", "Bitte wählen Sie einen Rechtskreis.")
	}
	checkText(&errs, "name", &o.Name, MaxText)
	if o.Name == "" {
		errs.Add("name", "Bitte geben Sie den Namen der Stelle an.")
	}
	// A citizen sent to an office must be able to find and reach it:
	// address, phone and opening hours are required.
	checkText(&errs, "street", &o.Street, MaxText)
	if o.Street == "" {
		errs.Add("street", "Bitte geben Sie Straße und Hausnummer der Stelle an.")
	}
	checkText(&errs, "city", &o.City, MaxText)
	if o.City == "" {
		errs.Add("city", "Bitte geben Sie den Ort der Stelle an.")
	}
	checkText(&errs, "hours", &o.Hours, MaxLongText)
	if o.Hours == "" {
		errs.Add("hours", "Bitte geben Sie die Öffnungszeiten an (z. B. „Di 9–12 Uhr und 13–18 Uhr, Do 9–12 Uhr“).")
	}
	o.PostalCode = strings.TrimSpace(o.PostalCode)
	switch {
	case o.PostalCode == "":
		errs.Add("postalCode", "Bitte geben Sie die Postleitzahl der Stelle an.")
	case !postalCode.MatchString(o.PostalCode):
		errs.Append(i18n.Coded("postalCode", i18n.CodePostcode, nil))
	}
	if phone.Check(&errs, "phone", &o.Phone) && o.Phone == "" {
		errs.Add("phone", "Bitte geben Sie eine Telefonnummer der Stelle an.")
	}
	checkEmail(&errs, "email", &o.Email)
	checkURL(&errs, "website", &o.Website, false)
	return errs.Err()
}

// Offices returns a tenant's responsible offices in the order of
// Rechtskreise, then by name.
func (s *Store) Offices(ctx context.Context, tenantID string) ([]Office, error) {
	var out []Office
	if err := s.db.Read.NewSelect().Model(&out).Where("tenant_id = ?", tenantID).OrderExpr("name, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("offices of %s: %w", tenantID, err)
	}
	rank := func(key string) int {
		return slices.IndexFunc(Rechtskreise, func(r Rechtskreis) bool { return r.Key == key })
	}
	slices.SortStableFunc(out, func(a, b Office) int { return rank(a.Rechtskreis) - rank(b.Rechtskreis) })
	return out, nil
}

// SaveOffice creates (empty ID) or updates an office of o.TenantID.
func (s *Store) SaveOffice(ctx context.Context, o *Office) error {
	if err := o.validate(); err != nil {
		return err
	}
	now := s.clock()
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		action := "update"
		o.UpdatedAt = now
		if o.ID == "" {
			if err := checkCap(ctx, tx, (*Office)(nil), "portal-office", o.TenantID, MaxOffices, "name", "Höchstens %d Stellen je Körperschaft."); err != nil {
				return err
			}
			action = "create"
			o.ID = uuid.Must(uuid.NewV7()).String()
			o.CreatedAt = now
			if _, err := tx.NewInsert().Model(o).Exec(ctx); err != nil {
				return fmt.Errorf("insert office: %w", err)
			}
		} else {
			res, err := tx.NewUpdate().Model(o).ExcludeColumn("id", "tenant_id", "created_at").
				Where("id = ? AND tenant_id = ?", o.ID, o.TenantID).Exec(ctx)
			if err != nil {
				return fmt.Errorf("update office: %w", err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("office %s: %w", o.ID, tenant.ErrNotFound)
			}
		}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: o.TenantID, Action: action, ObjectType: "portal-office",
			ObjectID: o.ID, Summary: map[string]any{"rechtskreis": o.Rechtskreis, "name": o.Name}})
	})
}

// DeleteOffice removes an office of the tenant.
func (s *Store) DeleteOffice(ctx context.Context, tenantID, id string) error {
	return s.deleteOwned(ctx, (*Office)(nil), "portal-office", tenantID, id)
}

// Link is a registered online service on another portal.
type Link struct {
	bun.BaseModel `bun:"table:portal_links" json:"-"`
	ID            string    `bun:"id,pk" json:"id"`
	TenantID      string    `bun:"tenant_id" json:"tenantId"`
	Service       string    `bun:"service" json:"service"`
	Title         string    `bun:"title" json:"title"`
	URL           string    `bun:"url" json:"url"`
	Description   string    `bun:"description" json:"description"`
	CreatedAt     time.Time `bun:"created_at" json:"createdAt"`
}

func (l *Link) validate() error {
	var errs tenant.FieldErrors
	if _, ok := ServiceByKey(l.Service); !ok {
		errs.Add("service", "Bitte wählen Sie eine Leistung.")
	}
	checkText(&errs, "title", &l.Title, MaxText)
	if l.Title == "" {
		errs.Add("title", "Bitte geben Sie einen Titel an.")
	}
	checkText(&errs, "description", &l.Description, MaxLongText)
	checkURL(&errs, "url", &l.URL, true)
	return errs.Err()
}

// Links returns the tenant's own links, by service and title.
func (s *Store) Links(ctx context.Context, tenantID string) ([]Link, error) {
	out := []Link{}
	if err := s.db.Read.NewSelect().Model(&out).Where("tenant_id = ?", tenantID).OrderExpr("service, title, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("links of %s: %w", tenantID, err)
	}
	return out, nil
}

// LinksFor returns the links for one service registered by any of the
// given tenants (a place's municipality and those above it), in the order
// of tenantIDs, then by title.
func (s *Store) LinksFor(ctx context.Context, tenantIDs []string, service string) ([]Link, error) {
	if len(tenantIDs) == 0 {
		return nil, nil
	}
	var rows []Link
	if err := s.db.Read.NewSelect().Model(&rows).Where("tenant_id IN (?)", bun.In(tenantIDs)).Where("service = ?", service).
		OrderExpr("title, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("links for %s: %w", service, err)
	}
	slices.SortStableFunc(rows, func(a, b Link) int {
		return slices.Index(tenantIDs, a.TenantID) - slices.Index(tenantIDs, b.TenantID)
	})
	return rows, nil
}

// AddLink registers a link for l.TenantID.
func (s *Store) AddLink(ctx context.Context, l *Link) error {
	if err := l.validate(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := checkCap(ctx, tx, (*Link)(nil), "portal-link", l.TenantID, MaxLinks, "url", "Höchstens %d Links je Körperschaft."); err != nil {
			return err
		}
		l.ID = uuid.Must(uuid.NewV7()).String()
		l.CreatedAt = s.clock()
		return insertEntry(ctx, tx, l, "portal-link", l.TenantID, l.ID, map[string]any{"service": l.Service, "title": l.Title, "url": l.URL})
	})
}

// DeleteLink removes a link of the tenant.
func (s *Store) DeleteLink(ctx context.Context, tenantID, id string) error {
	return s.deleteOwned(ctx, (*Link)(nil), "portal-link", tenantID, id)
}

// SignVideo is a video in German Sign Language (DGS) the operator
// publishes on the portal's DGS page.
type SignVideo struct {
	bun.BaseModel `bun:"table:portal_sign_videos" json:"-"`
	ID            string    `bun:"id,pk" json:"id"`
	TenantID      string    `bun:"tenant_id" json:"-"`
	Title         string    `bun:"title" json:"title"`
	URL           string    `bun:"url" json:"url"`
	Description   string    `bun:"description" json:"description"`
	CreatedAt     time.Time `bun:"created_at" json:"createdAt"`
}

// SignVideos returns the tenant's DGS videos in the order they were added.
func (s *Store) SignVideos(ctx context.Context, tenantID string) ([]SignVideo, error) {
	var out []SignVideo
	if err := s.db.Read.NewSelect().Model(&out).Where("tenant_id = ?", tenantID).OrderExpr("created_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("sign videos of %s: %w", tenantID, err)
	}
	return out, nil
}

// AddSignVideo publishes a DGS video for v.TenantID.
func (s *Store) AddSignVideo(ctx context.Context, v *SignVideo) error {
	var errs tenant.FieldErrors
	checkText(&errs, "title", &v.Title, MaxText)
	if v.Title == "" {
		errs.Add("title", "Bitte geben Sie einen Titel an.")
	}
	checkText(&errs, "description", &v.Description, MaxLongText)
	checkURL(&errs, "url", &v.URL, true)
	if err := errs.Err(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := checkCap(ctx, tx, (*SignVideo)(nil), "portal-sign-video", v.TenantID, MaxVideos, "url", "Höchstens %d Videos."); err != nil {
			return err
		}
		v.ID = uuid.Must(uuid.NewV7()).String()
		v.CreatedAt = s.clock()
		return insertEntry(ctx, tx, v, "portal-sign-video", v.TenantID, v.ID, map[string]any{"title": v.Title, "url": v.URL})
	})
}

// DeleteSignVideo removes a DGS video of the tenant.
func (s *Store) DeleteSignVideo(ctx context.Context, tenantID, id string) error {
	return s.deleteOwned(ctx, (*SignVideo)(nil), "portal-sign-video", tenantID, id)
}

// checkText trims a text field and checks its length and characters
// (line breaks allowed in long texts).
func checkText(errs *tenant.FieldErrors, field string, v *string, max int) {
	*v = strings.TrimSpace(*v)
	switch {
	case utf8.RuneCountInString(*v) > max:
		errs.Append(i18n.Coded(field, i18n.CodeMaxLength, map[string]any{"max": max}))
	case !utf8.ValidString(*v) || strings.ContainsFunc(*v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' }):
		errs.Add(field, "Bitte keine Steuerzeichen verwenden.")
	}
}

func checkEmail(errs *tenant.FieldErrors, field string, v *string) {
	*v = strings.TrimSpace(*v)
	if *v == "" {
		return
	}
	a, err := mail.ParseAddress(*v)
	if err != nil || a.Address != *v || len(*v) > 254 {
		errs.Add(field, "Keine gültige E-Mail-Adresse.")
	}
}

// checkURL accepts absolute https URLs (and http ones unless httpsOnly)
// without credentials; required fields must not be empty.
func checkURL(errs *tenant.FieldErrors, field string, v *string, required bool) {
	*v = strings.TrimSpace(*v)
	if *v == "" {
		if required {
			errs.Add(field, "Bitte geben Sie eine Adresse (https://…) an.")
		}
		return
	}
	u, err := url.Parse(*v)
	switch {
	case len(*v) > MaxURL:
		errs.Append(i18n.Coded(field, i18n.CodeMaxLength, map[string]any{"max": MaxURL}))
	case err != nil || u.Host == "" || u.User != nil || strings.ContainsAny(*v, " \t\r\n<>\"'"):
		errs.Add(field, "Keine gültige Adresse.")
	case u.Scheme != "https":
		errs.Add(field, "Bitte eine sichere Adresse angeben, die mit https:// beginnt.")
	}
}

// sentence starts s with a capital letter and ends it with a full stop.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
