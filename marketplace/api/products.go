package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/marketplace"
	"sozialplattform/tenant"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
)

// productView is a product with today's price.
type productView struct {
	marketplace.Product
	CurrentPriceCents *marketplace.Cents `json:"currentPriceCents" doc:"Preis für Kommunen heute in Cent; null, wenn keiner festgelegt ist"`
	CurrentPrice      string             `json:"currentPrice" doc:"derselbe Preis zum Anzeigen, z. B. 0,00 €"`
	PriceValidUntil   *marketplace.Day   `json:"priceValidUntil,omitempty" doc:"letzter Tag des heutigen Preises"`
	PriceNote         string             `json:"priceNote,omitempty" doc:"Hinweis zum Preis, z. B. „Preis ab 01.01.2027 noch nicht entschieden; der Dienst bleibt bestellbar.“"`
	Orderable         bool               `json:"orderable" doc:"heute bestellbar (veröffentlicht und mit Preis oder ausdrücklich ohne entschiedenen Preis bestellbar)"`
}

func (a *API) view(p marketplace.Product) productView {
	v := productView{Product: p, CurrentPrice: "kein Preis festgelegt"}
	q := p.QuoteAt(a.store.Today())
	switch {
	case q.Undecided:
		v.CurrentPrice = "noch nicht entschieden"
	case q.Orderable:
		c := q.Cents
		v.CurrentPriceCents, v.CurrentPrice = &c, c.String()
	}
	v.PriceValidUntil, v.PriceNote, v.Orderable = q.ValidUntil, q.Note, p.Published && q.Orderable
	return v
}

type listProductsInput struct {
	Q         string   `query:"q" maxLength:"100" doc:"Suchbegriffe (Name, Beschreibung, Produktnummer, OZG-ID)"`
	Type      []string `query:"type,explode" maxItems:"20" doc:"Art des Dienstes, z. B. EfA-Dienst; mehrfach möglich"`
	Topic     []string `query:"topic,explode" maxItems:"20" doc:"Themenfeld, z. B. Arbeit und Ruhestand; mehrfach möglich"`
	Sort      string   `query:"sort" enum:"name,-name" default:"name" doc:"name: A–Z, -name: Z–A"`
	Published string   `query:"published" enum:"true,false" doc:"nur für das Ministerium: nur veröffentlichte bzw. unveröffentlichte"`
	Section   string   `query:"section" enum:"basisdienst,online,sonstiges,geplant" doc:"Rubrik: Basisdienste, Online-Dienste, Sonstiges, Geplante Dienste"`
	BUS       bool     `query:"bus" doc:"nur Produkte mit „Vorlage im BUS“"`
	coreapi.PageQuery
}

type listProductsOutput struct {
	coreapi.PageHeaders
	Body struct {
		coreapi.PageBody
		Items    []productView       `json:"items"`
		Types    []marketplace.Facet `json:"types" doc:"Art des Dienstes mit der Anzahl, die die Auswahl zusammen mit den übrigen Filtern zeigt"`
		Topics   []marketplace.Facet `json:"topics" doc:"Themenfeld mit Anzahl"`
		BUSCount int                 `json:"busCount" doc:"Anzahl mit „Vorlage im BUS“ unter den übrigen Filtern"`
	}
}

type productPathInput struct {
	ProductID string `path:"productId" maxLength:"64" doc:"ID oder Produktnummer (SW…)"`
}

type productOutput struct{ Body productView }

// ProductFields are a product's fields in a request body; absent fields
// stay unchanged. (Exported so that huma flattens it where it is embedded:
// huma skips unexported embedded structs.)
type ProductFields struct {
	Number           *string              `json:"number,omitempty" maxLength:"12" doc:"Produktnummer, z. B. SW10186"`
	Name             *string              `json:"name,omitempty" maxLength:"200"`
	ShortDescription *string              `json:"shortDescription,omitempty" maxLength:"500"`
	Description      *string              `json:"description,omitempty" maxLength:"10000"`
	ServiceType      *string              `json:"serviceType,omitempty" maxLength:"100" doc:"Art des Dienstes"`
	Topic            *string              `json:"topic,omitempty" maxLength:"100" doc:"Themenfeld"`
	OZGID            *string              `json:"ozgId,omitempty" maxLength:"6"`
	Antragsstrecken  *[]string            `json:"antragsstrecken,omitempty" maxItems:"30" doc:"Schlüssel der Antragsstrecken, z. B. [\"hzl\", \"eb-hzl\"]"`
	PreviewURL       *string              `json:"previewUrl,omitempty" maxLength:"500"`
	FreeForState     *bool                `json:"freeForState,omitempty" doc:"auch von einer Landesbehörde genutzt: bleibt für Kommunen unentgeltlich"`
	Section          *string              `json:"section,omitempty" enum:"basisdienst,online,sonstiges,geplant" doc:"Rubrik; Standard: online"`
	BUSTemplate      *bool                `json:"busTemplate,omitempty" doc:"Vorlage im BUS"`
	PriceAfter       *string              `json:"priceAfter,omitempty" enum:",undecided-orderable,undecided-closed" doc:"nach dem letzten Preiszeitraum: leer = nicht festgelegt; undecided-orderable = noch nicht entschieden, bestellbar mit Hinweis; undecided-closed = nicht bestellbar, bis ein Preis feststeht"`
	Published        *bool                `json:"published,omitempty" doc:"im öffentlichen Katalog zeigen"`
	Prices           *[]marketplace.Price `json:"prices,omitempty" maxItems:"20" doc:"ersetzt alle Preise"`
}

func (f ProductFields) patch() marketplace.ProductPatch {
	return marketplace.ProductPatch{Number: f.Number, Name: f.Name, ShortDescription: f.ShortDescription,
		Description: f.Description, ServiceType: f.ServiceType, Topic: f.Topic, OZGID: f.OZGID,
		Antragsstrecken: f.Antragsstrecken, PreviewURL: f.PreviewURL, FreeForState: f.FreeForState,
		Section: f.Section, BUSTemplate: f.BUSTemplate, PriceAfter: f.PriceAfter, Published: f.Published, Prices: f.Prices}
}

type createProductInput struct {
	Body ProductFields
}

type updateProductInput struct {
	ProductID string `path:"productId" maxLength:"64" doc:"ID oder Produktnummer (SW…)"`
	Body      struct {
		Version int `json:"version,omitempty" minimum:"0" doc:"Stand, auf dem die Änderung beruht; bei Abweichung 409"`
		ProductFields
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (a *API) registerProducts(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "listProducts", Method: http.MethodGet, Path: "/v1/products", Tags: []string{tagCatalogue},
		Summary:     "Produkte des Marktplatzes",
		Description: "Der öffentliche Katalog: veröffentlichte Produkte mit Suche, Filtern (Art des Dienstes, Themenfeld) samt Anzahlen und Sortierung. Das Ministerium sieht auch unveröffentlichte.",
		Errors:      []int{http.StatusUnprocessableEntity},
	}, coreapi.Access{Public: true}, func(ctx context.Context, in *listProductsInput) (*listProductsOutput, error) {
		ministry := a.isMinistry(ctx, marketplace.ObjProduct, authz.Update)
		c, err := a.store.ListProducts(ctx, marketplace.CatalogueFilter{Query: in.Q, Types: in.Type, Topics: in.Topic,
			Descending: in.Sort == "-name", All: ministry, Section: in.Section, BUS: in.BUS})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		p, err := coreapi.PageOf[marketplace.ProductKey](in.PageQuery, "products")
		if err != nil {
			return nil, err
		}
		var shown []marketplace.Product
		for _, pr := range c.Items {
			if !ministry || in.Published == "" || pr.Published == (in.Published == "true") {
				shown = append(shown, pr)
			}
		}
		rows, pg, err := coreapi.NextPage(ctx, "products", marketplace.ProductsPage(shown, p, in.Sort == "-name"), p, marketplace.ProductPageKey)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &listProductsOutput{PageHeaders: pg.Headers}
		out.Body.PageBody = pg.Body
		out.Body.Items = []productView{}
		for _, pr := range rows {
			out.Body.Items = append(out.Body.Items, a.view(pr))
		}
		out.Body.Types, out.Body.Topics, out.Body.BUSCount = c.Types, c.Topics, c.BUSCount
		return out, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "getProduct", Method: http.MethodGet, Path: "/v1/products/{productId}", Tags: []string{tagCatalogue},
		Summary: "Produkt lesen", Description: "Ein Produkt mit Beschreibung, OZG-ID, Antragsstrecken, Preisen und Vorschau-Adresse.",
		Errors: []int{http.StatusNotFound},
	}, coreapi.Access{Public: true}, func(ctx context.Context, in *productPathInput) (*productOutput, error) {
		p, err := a.store.GetProduct(ctx, in.ProductID)
		if err == nil && !p.Published && !a.isMinistry(ctx, marketplace.ObjProduct, authz.Update) {
			err = tenant.ErrNotFound
		}
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &productOutput{Body: a.view(*p)}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "createProduct", Method: http.MethodPost, Path: "/v1/products", Tags: []string{tagCatalogue},
		Summary: "Produkt anlegen", Description: "Nur das Ministerium. Ohne `published: true` bleibt das Produkt unveröffentlicht.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: marketplace.ObjProduct, Act: authz.Create}, func(ctx context.Context, in *createProductInput) (*productOutput, error) {
		if err := a.requireMinistry(ctx, marketplace.ObjProduct, authz.Create); err != nil {
			return nil, err
		}
		f := in.Body
		p, err := a.store.CreateProduct(ctx, marketplace.ProductInput{Number: deref(f.Number), Name: deref(f.Name),
			ShortDescription: deref(f.ShortDescription), Description: deref(f.Description), ServiceType: deref(f.ServiceType),
			Topic: deref(f.Topic), OZGID: deref(f.OZGID), Antragsstrecken: deref(f.Antragsstrecken), PreviewURL: deref(f.PreviewURL),
			FreeForState: deref(f.FreeForState), Section: deref(f.Section), BUSTemplate: deref(f.BUSTemplate), PriceAfter: deref(f.PriceAfter),
			Published: deref(f.Published), Prices: deref(f.Prices)})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &productOutput{Body: a.view(*p)}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "updateProduct", Method: http.MethodPatch, Path: "/v1/products/{productId}", Tags: []string{tagCatalogue},
		Summary:     "Produkt ändern, veröffentlichen, Preise setzen",
		Description: "Ändert die angegebenen Felder; `published` veröffentlicht oder zieht zurück, `prices` ersetzt die Preisliste. Mit `version` wird auf zwischenzeitliche Änderungen geprüft (409).",
		Errors:      []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: marketplace.ObjProduct, Act: authz.Update}, func(ctx context.Context, in *updateProductInput) (*productOutput, error) {
		if err := a.requireMinistry(ctx, marketplace.ObjProduct, authz.Update); err != nil {
			return nil, err
		}
		p, err := a.store.UpdateProduct(ctx, in.ProductID, in.Body.Version, in.Body.patch())
		if err != nil {
			if errors.Is(err, tenant.ErrNotFound) {
				return nil, huma.Error404NotFound("Dieses Produkt gibt es nicht.")
			}
			return nil, a.problem(ctx, err)
		}
		return &productOutput{Body: a.view(*p)}, nil
	})
}
