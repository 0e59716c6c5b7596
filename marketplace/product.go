package marketplace

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/i18n"
)

// Product is an Onlinedienst offered on the marketplace.
type Product struct {
	ID               string `json:"id"`
	Number           string `json:"number" doc:"Produktnummer, z. B. SW10186"`
	Name             string `json:"name"`
	ShortDescription string `json:"shortDescription"`
	Description      string `json:"description"`
	// ServiceType is the "Art des Dienstes" (EfA-Dienst, AFM Online-Dienst, AM4.0 …).
	ServiceType string `json:"serviceType" doc:"Art des Dienstes, z. B. EfA-Dienst"`
	// Topic is the "Themenfeld" (Arbeit und Ruhestand, Familie und Kind …).
	Topic string `json:"topic" doc:"Themenfeld, z. B. Arbeit und Ruhestand"`
	OZGID string `json:"ozgId" doc:"OZG-Leistung, z. B. 10086"`
	// Antragsstrecken are the keys of onboarding's catalogue ("hzl", "eb-hzl").
	Antragsstrecken []string `json:"antragsstrecken"`
	PreviewURL      string   `json:"previewUrl" doc:"Adresse der Vorschau (\"Zur Vorschau\")"`
	// FreeForState marks a product that a state authority also uses; it
	// stays free for municipalities whatever its prices say.
	FreeForState bool `json:"freeForState" doc:"auch von einer Landesbehörde genutzt: für Kommunen unentgeltlich"`
	// Section is the marketplace's section the product is listed in.
	Section string `json:"section" enum:"basisdienst,online,sonstiges,geplant" doc:"Rubrik: Basisdienste, Online-Dienste, Sonstiges, Geplante Dienste"`
	// BUSTemplate is the catalogue filter "Vorlage im BUS".
	BUSTemplate bool `json:"busTemplate" doc:"Vorlage im BUS"`
	// PriceAfter is what holds after the last price period.
	PriceAfter string    `json:"priceAfter" enum:",undecided-orderable,undecided-closed" doc:"nach dem letzten Preiszeitraum: leer = nicht festgelegt (Warnung 60 Tage vorher); undecided-orderable = noch nicht entschieden, weiter bestellbar mit Hinweis; undecided-closed = nicht bestellbar, bis ein Preis feststeht"`
	Published  bool      `json:"published"`
	Prices     []Price   `json:"prices"`
	Version    int       `json:"version"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

type productRow struct {
	bun.BaseModel `bun:"table:market_products"`

	ID               string    `bun:"id,pk"`
	Number           string    `bun:"number"`
	Name             string    `bun:"name"`
	ShortDescription string    `bun:"short_description"`
	Description      string    `bun:"description"`
	ServiceType      string    `bun:"service_type"`
	Topic            string    `bun:"topic"`
	OZGID            string    `bun:"ozg_id"`
	Antragsstrecken  []string  `bun:"antragsstrecken,type:text"`
	PreviewURL       string    `bun:"preview_url"`
	FreeForState     bool      `bun:"free_for_state"`
	Section          string    `bun:"section"`
	BUSTemplate      bool      `bun:"bus_template"`
	PriceAfter       string    `bun:"price_after"`
	Published        bool      `bun:"published"`
	Version          int       `bun:"version"`
	CreatedAt        time.Time `bun:"created_at"`
	UpdatedAt        time.Time `bun:"updated_at"`
}

type priceRow struct {
	bun.BaseModel `bun:"table:market_prices"`

	ProductID   string `bun:"product_id,pk"`
	ValidFrom   Day    `bun:"valid_from,pk"`
	ValidUntil  *Day   `bun:"valid_until"`
	AmountCents Cents  `bun:"amount_cents"`
}

func (r *productRow) product() Product {
	return Product{ID: r.ID, Number: r.Number, Name: r.Name, ShortDescription: r.ShortDescription,
		Description: r.Description, ServiceType: r.ServiceType, Topic: r.Topic, OZGID: r.OZGID,
		Antragsstrecken: nonNil(r.Antragsstrecken), PreviewURL: r.PreviewURL, FreeForState: r.FreeForState,
		Section: r.Section, BUSTemplate: r.BUSTemplate, PriceAfter: r.PriceAfter, Published: r.Published, Prices: []Price{}, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func rowOf(p *Product) *productRow {
	return &productRow{ID: p.ID, Number: p.Number, Name: p.Name, ShortDescription: p.ShortDescription,
		Description: p.Description, ServiceType: p.ServiceType, Topic: p.Topic, OZGID: p.OZGID,
		Antragsstrecken: nonNil(p.Antragsstrecken), PreviewURL: p.PreviewURL, FreeForState: p.FreeForState,
		Section: p.Section, BUSTemplate: p.BUSTemplate, PriceAfter: p.PriceAfter, Published: p.Published, Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Limits of a product's fields, shared by the API schema and the console.
const (
	MaxProductName   = 200
	MaxShortDesc     = 500
	MaxDescription   = 10000
	MaxLabel         = 100
	MaxURL           = 500
	MaxAntragsstreck = 30
	MaxPrices        = 20
)

var (
	productNumberPattern = regexp.MustCompile(`^SW[0-9]{5,8}$`)
	ozgIDPattern         = regexp.MustCompile(`^[0-9]{1,6}$`)
	streckeKeyPattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,29}$`)
)

// ProductInput describes a product to create.
type ProductInput struct {
	Number           string
	Name             string
	ShortDescription string
	Description      string
	ServiceType      string
	Topic            string
	OZGID            string
	Antragsstrecken  []string
	PreviewURL       string
	FreeForState     bool
	Section          string // "": SectionOnline
	BUSTemplate      bool
	PriceAfter       string
	Published        bool
	Prices           []Price
}

// ProductPatch holds the fields an update changes; nil means unchanged.
// Prices, when given, replace the whole price list.
type ProductPatch struct {
	Number           *string
	Name             *string
	ShortDescription *string
	Description      *string
	ServiceType      *string
	Topic            *string
	OZGID            *string
	Antragsstrecken  *[]string
	PreviewURL       *string
	FreeForState     *bool
	Section          *string
	BUSTemplate      *bool
	PriceAfter       *string
	Published        *bool
	Prices           *[]Price
}

// check validates and normalises a product's fields; known is
// onboarding's catalogue of Antragsstrecken (nil: any well-formed key).
func (s *Store) check(p *Product, known map[string]string) error {
	var errs tenant.FieldErrors
	p.Number = strings.ToUpper(strings.Join(strings.Fields(p.Number), ""))
	if !productNumberPattern.MatchString(p.Number) {
		errs.Add("number", "Eine Produktnummer besteht aus „SW“ und 5 bis 8 Ziffern, z. B. SW10186.")
	}
	text := func(field string, v *string, max int, required string) {
		*v = strings.TrimSpace(*v)
		switch {
		case *v == "" && required != "":
			errs.Add(field, "%s", required)
		case utf8.RuneCountInString(*v) > max:
			errs.Append(i18n.Coded(field, i18n.CodeMaxLength, map[string]any{"max": max}))
		case !utf8.ValidString(*v) || strings.ContainsFunc(*v, isControlExceptNewline):
			errs.Append(i18n.Coded(field, i18n.CodeControlChars, nil))
		}
	}
	text("name", &p.Name, MaxProductName, "Bitte geben Sie einen Namen an.")
	text("shortDescription", &p.ShortDescription, MaxShortDesc, "")
	text("description", &p.Description, MaxDescription, "")
	text("serviceType", &p.ServiceType, MaxLabel, "Bitte geben Sie die Art des Dienstes an, z. B. EfA-Dienst.")
	text("topic", &p.Topic, MaxLabel, "Bitte geben Sie das Themenfeld an, z. B. Arbeit und Ruhestand.")
	p.OZGID = strings.TrimSpace(p.OZGID)
	if p.OZGID != "" && !ozgIDPattern.MatchString(p.OZGID) {
		errs.Add("ozgId", "Eine OZG-ID besteht aus bis zu 6 Ziffern, z. B. 10086.")
	}
	p.PreviewURL = strings.TrimSpace(p.PreviewURL)
	if p.PreviewURL != "" {
		u, err := url.Parse(p.PreviewURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(p.PreviewURL) > MaxURL {
			errs.Add("previewUrl", "Bitte geben Sie eine vollständige Adresse an, die mit https:// beginnt.")
		}
	}
	if p.Section == "" {
		p.Section = SectionOnline
	}
	if SectionLabel(p.Section) == "" {
		errs.Add("section", "Bitte wählen Sie eine Rubrik: Basisdienste, Online-Dienste, Sonstiges oder Geplante Dienste.")
	}
	if p.PriceAfter != "" && p.PriceAfter != PriceAfterOrderable && p.PriceAfter != PriceAfterClosed {
		errs.Add("priceAfter", "Bitte wählen Sie, ob der Dienst nach dem letzten Preiszeitraum bestellbar bleibt.")
	}
	p.Antragsstrecken = checkAntragsstrecken(p.Antragsstrecken, known, &errs)
	if len(p.Antragsstrecken) > 0 && p.OZGID == "" && errs.For("ozgId") == "" {
		errs.Add("ozgId", "Ein Dienst mit Antragsstrecken braucht die OZG-ID seiner Leistung.")
	}
	if len(p.Prices) > MaxPrices {
		errs.Add("prices", "Höchstens %d Preise.", MaxPrices)
	} else if prices, err := checkPrices(p.Prices); err != nil {
		if fe, ok := err.(tenant.FieldErrors); ok {
			errs = append(errs, fe...)
		} else {
			return err
		}
	} else {
		p.Prices = prices
	}
	return errs.Err()
}

func isControlExceptNewline(r rune) bool {
	return r != '\n' && r != '\r' && r != '\t' && (r < 0x20 || r == 0x7f)
}

// checkAntragsstrecken normalises the keys (trimmed, lower case, each
// once) and checks them against onboarding's catalogue when there is one.
func checkAntragsstrecken(in []string, known map[string]string, errs *tenant.FieldErrors) []string {
	out := []string{}
	if len(in) > MaxAntragsstreck {
		errs.Add("antragsstrecken", "Höchstens %d Antragsstrecken.", MaxAntragsstreck)
		return out
	}
	for i, k := range in {
		k = strings.ToLower(strings.TrimSpace(k))
		field := fmt.Sprintf("antragsstrecken[%d]", i)
		switch {
		case k == "":
			errs.Add(field, "Bitte geben Sie den Schlüssel der Antragsstrecke an, z. B. hzl.")
		case known == nil && !streckeKeyPattern.MatchString(k):
			errs.Add(field, "Der Schlüssel %q enthält Zeichen, die nicht erlaubt sind (erlaubt: a–z, 0–9, -).", k)
		case known != nil && known[k] == "":
			errs.Add(field, "Die Antragsstrecke %q gibt es im Katalog nicht.", k)
		case !slices.Contains(out, k):
			out = append(out, k)
		}
	}
	return out
}

// AntragsstreckenLabels returns onboarding's names of the Antragsstrecken,
// or nil when no catalogue is wired.
func (s *Store) AntragsstreckenLabels(ctx context.Context) (map[string]string, error) {
	if s.opts.KnownAntragsstrecken == nil {
		return nil, nil
	}
	m, err := s.opts.KnownAntragsstrecken(ctx)
	if err != nil {
		return nil, fmt.Errorf("load Antragsstrecken: %w", err)
	}
	return m, nil
}

// CreateProduct validates and stores a new product with its prices.
func (s *Store) CreateProduct(ctx context.Context, in ProductInput) (*Product, error) {
	now := s.now()
	p := &Product{ID: uuid.Must(uuid.NewV7()).String(), Number: in.Number, Name: in.Name,
		ShortDescription: in.ShortDescription, Description: in.Description, ServiceType: in.ServiceType,
		Topic: in.Topic, OZGID: in.OZGID, Antragsstrecken: in.Antragsstrecken, PreviewURL: in.PreviewURL,
		FreeForState: in.FreeForState, Section: in.Section, BUSTemplate: in.BUSTemplate, PriceAfter: in.PriceAfter, Published: in.Published, Prices: nonNil(in.Prices), Version: 1,
		CreatedAt: now, UpdatedAt: now}
	known, err := s.AntragsstreckenLabels(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.check(p, known); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := checkNumberFree(ctx, tx, p); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(rowOf(p)).Exec(ctx); err != nil {
			if migrations.IsUniqueViolation(err) {
				return fault.Field("number", "Die Produktnummer %s ist bereits vergeben.", p.Number)
			}
			return fmt.Errorf("insert product: %w", err)
		}
		if err := writePrices(ctx, tx, p); err != nil {
			return err
		}
		return s.audit(ctx, tx, "", "create", ObjProduct, p.ID, map[string]any{"after": productSummary(p)})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func checkNumberFree(ctx context.Context, db bun.IDB, p *Product) error {
	n, err := db.NewSelect().Table("market_products").Where("number = ? AND id <> ?", p.Number, p.ID).Count(ctx)
	if err != nil {
		return fmt.Errorf("check product number: %w", err)
	}
	if n > 0 {
		return fault.Field("number", "Die Produktnummer %s ist bereits vergeben.", p.Number)
	}
	return nil
}

func writePrices(ctx context.Context, db bun.IDB, p *Product) error {
	if _, err := db.NewDelete().Model((*priceRow)(nil)).Where("product_id = ?", p.ID).Exec(ctx); err != nil {
		return fmt.Errorf("replace prices: %w", err)
	}
	if len(p.Prices) == 0 {
		return nil
	}
	rows := make([]priceRow, len(p.Prices))
	for i, pr := range p.Prices {
		rows[i] = priceRow{ProductID: p.ID, ValidFrom: pr.ValidFrom, ValidUntil: pr.ValidUntil, AmountCents: pr.AmountCents}
	}
	if _, err := db.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("insert prices: %w", err)
	}
	return nil
}

// UpdateProduct applies a patch. When version is not 0 it must match the
// stored version (optimistic locking); otherwise tenant.ErrStaleVersion.
func (s *Store) UpdateProduct(ctx context.Context, ref string, version int, pt ProductPatch) (*Product, error) {
	// The catalogue is read before the transaction, so that the
	// transaction waits for nothing outside it.
	known, err := s.AntragsstreckenLabels(ctx)
	if err != nil {
		return nil, err
	}
	var out *Product
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		cur, err := s.getProduct(ctx, tx, ref)
		if err != nil {
			return err
		}
		if version != 0 && cur.Version != version {
			return tenant.ErrStaleVersion
		}
		before := productSummary(cur)
		p := *cur
		p.Prices = slices.Clone(cur.Prices)
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&p.Number, pt.Number)
		set(&p.Name, pt.Name)
		set(&p.ShortDescription, pt.ShortDescription)
		set(&p.Description, pt.Description)
		set(&p.ServiceType, pt.ServiceType)
		set(&p.Topic, pt.Topic)
		set(&p.OZGID, pt.OZGID)
		set(&p.PreviewURL, pt.PreviewURL)
		if pt.Antragsstrecken != nil {
			p.Antragsstrecken = *pt.Antragsstrecken
		}
		if pt.FreeForState != nil {
			p.FreeForState = *pt.FreeForState
		}
		if pt.Published != nil {
			p.Published = *pt.Published
		}
		set(&p.Section, pt.Section)
		set(&p.PriceAfter, pt.PriceAfter)
		if pt.BUSTemplate != nil {
			p.BUSTemplate = *pt.BUSTemplate
		}
		if pt.Prices != nil {
			p.Prices = nonNil(*pt.Prices)
		}
		if err := s.check(&p, known); err != nil {
			return err
		}
		if err := checkNumberFree(ctx, tx, &p); err != nil {
			return err
		}
		p.Version = cur.Version + 1
		p.UpdatedAt = s.now()
		res, err := tx.NewUpdate().Model(rowOf(&p)).WherePK().Where("version = ?", cur.Version).Exec(ctx)
		if err != nil {
			if migrations.IsUniqueViolation(err) {
				return fault.Field("number", "Die Produktnummer %s ist bereits vergeben.", p.Number)
			}
			return fmt.Errorf("update product: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return tenant.ErrStaleVersion
		}
		if pt.Prices != nil {
			if err := writePrices(ctx, tx, &p); err != nil {
				return err
			}
		}
		out = &p
		action := "update"
		if pt.Published != nil && *pt.Published != cur.Published {
			action = map[bool]string{true: "publish", false: "unpublish"}[p.Published]
		}
		return s.audit(ctx, tx, "", action, ObjProduct, p.ID, diffSummary(before, productSummary(&p)))
	})
	return out, err
}

// GetProduct returns a product by ID or product number, with its prices.
func (s *Store) GetProduct(ctx context.Context, ref string) (*Product, error) {
	return s.getProduct(ctx, s.db.Read, ref)
}

func (s *Store) getProduct(ctx context.Context, db bun.IDB, ref string) (*Product, error) {
	ref = strings.TrimSpace(ref)
	var row productRow
	q := db.NewSelect().Model(&row)
	if n := strings.ToUpper(ref); productNumberPattern.MatchString(n) {
		q = q.Where("number = ?", n)
	} else {
		q = q.Where("id = ?", ref)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "product "+ref)
	}
	p := row.product()
	prices, err := loadPrices(ctx, db, []string{p.ID})
	if err != nil {
		return nil, err
	}
	p.Prices = nonNil(prices[p.ID])
	return &p, nil
}

// loadPrices returns the prices of the given products, by product, sorted
// by start.
func loadPrices(ctx context.Context, db bun.IDB, ids []string) (map[string][]Price, error) {
	out := map[string][]Price{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []priceRow
	if err := db.NewSelect().Model(&rows).Where("product_id IN (?)", bun.In(ids)).OrderExpr("product_id, valid_from").Scan(ctx); err != nil {
		return nil, fmt.Errorf("load prices: %w", err)
	}
	for _, r := range rows {
		out[r.ProductID] = append(out[r.ProductID], Price{ValidFrom: r.ValidFrom, ValidUntil: r.ValidUntil, AmountCents: r.AmountCents})
	}
	return out, nil
}

// productSummary is what the audit log keeps of a product.
func productSummary(p *Product) map[string]any {
	prices := make([]string, len(p.Prices))
	for i, pr := range p.Prices {
		prices[i] = pr.Period() + ": " + pr.AmountCents.String()
	}
	return map[string]any{
		"number": p.Number, "name": p.Name, "serviceType": p.ServiceType, "topic": p.Topic, "ozgId": p.OZGID,
		"antragsstrecken": strings.Join(p.Antragsstrecken, ", "), "previewUrl": p.PreviewURL,
		"freeForState": p.FreeForState, "section": p.Section, "busTemplate": p.BUSTemplate, "priceAfter": p.PriceAfter, "published": p.Published, "prices": strings.Join(prices, "; "),
		"shortDescription": p.ShortDescription, "descriptionLength": utf8.RuneCountInString(p.Description),
	}
}

// diffSummary keeps only the fields that changed, as before/after pairs.
func diffSummary(before, after map[string]any) map[string]any {
	b, a := map[string]any{}, map[string]any{}
	for k, v := range after {
		if fmt.Sprint(before[k]) != fmt.Sprint(v) {
			b[k], a[k] = before[k], v
		}
	}
	return map[string]any{"before": b, "after": a}
}
