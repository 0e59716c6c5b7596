package www

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"sozialplattform/portal/gazetteer"
	"sozialplattform/portal/site"
	"sozialplattform/tenant"
)

// area is where a citizen lives, as far as responsibility goes: a Gemeinde
// of a Landkreis, or a Landkreis or kreisfreie Stadt as a whole.
type area struct {
	gemeinde     *tenant.Tenant // the Gemeinde's tenant; nil when it is not on the platform
	gemeindeName string         // "" when the area is a Kreis or kreisfreie Stadt
	gemeindeKind gazetteer.Kind // stadt or gemeinde, for the article
	kreis        *tenant.Tenant // nil when the Kreis is not on the platform
	kreisKey     string
	kreisName    string
}

// responsible is who runs one Antragsstrecke for an area.
type responsible struct {
	Tenant *tenant.Tenant // nil when the body is not on the platform
	Name   string
	// article is the German article with which the body is named ("der
	// Landkreis Harz", "die Stadt Wernigerode"); "" when none fits.
	article string
	Live    bool // runs the Antragsstrecke live on the platform
}

// In names the body for a sentence in the language: with its article in
// German ("der Landkreis Harz"), as it is called in the others.
func (r responsible) In(lang string) string {
	if lang == "de" && r.article != "" {
		return r.article + " " + r.Name
	}
	return r.Name
}

// activeTenant returns the active tenant of an official key, nil when it
// has none (or only an inactive one).
func (p *Portal) activeTenant(ctx context.Context, key string, kinds ...tenant.Kind) (*tenant.Tenant, error) {
	t, err := p.store.ResolveTenant(ctx, key)
	if errors.Is(err, tenant.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !t.Active || !slices.Contains(kinds, t.Kind) {
		return nil, nil
	}
	return t, nil
}

// areaOfPlace is the area of a place found by the search, with the tenant
// whose portal serves it: the Gemeinde's own when it has one, else its
// Landkreis or kreisfreie Stadt (nil when neither is on the platform).
func (p *Portal) areaOfPlace(ctx context.Context, pl gazetteer.Place) (area, *tenant.Tenant, error) {
	a := area{kreisKey: pl.Kreis}
	if k, ok := p.places.Kreis(pl.Kreis); ok {
		a.kreisName = k.Name
	}
	var err error
	if a.kreis, err = p.activeTenant(ctx, pl.Kreis, tenant.KindLandkreis, tenant.KindKreisfreieStadt); err != nil {
		return area{}, nil, err
	}
	if a.kreis != nil {
		a.kreisName = a.kreis.Name
	}
	if pl.AGS != "" && pl.Kind != gazetteer.KindKreisfreieStadt {
		g, ok := p.places.Get(pl.AGS)
		if !ok {
			return area{}, nil, fmt.Errorf("gazetteer: no Gemeinde %s for %s", pl.AGS, pl.Name)
		}
		if g.Kind != gazetteer.KindKreisfreieStadt {
			a.gemeindeName, a.gemeindeKind = g.Name, g.Kind
			if a.gemeinde, err = p.activeTenant(ctx, pl.AGS, tenant.KindGemeinde); err != nil {
				return area{}, nil, err
			}
			if a.gemeinde != nil {
				a.gemeindeName = a.gemeinde.Name
				return a, a.gemeinde, nil
			}
		}
	}
	return a, a.kreis, nil
}

// areaOfTenant is the area a municipality's portal serves.
func (p *Portal) areaOfTenant(ctx context.Context, t *tenant.Tenant) (area, error) {
	switch t.Kind {
	case tenant.KindLandkreis, tenant.KindKreisfreieStadt:
		return area{kreis: t, kreisKey: t.Key(), kreisName: t.Name}, nil
	case tenant.KindGemeinde:
		a := area{gemeinde: t, gemeindeName: t.Name}
		if t.Parent() == "" {
			return a, nil
		}
		parent, err := p.store.GetTenant(ctx, t.Parent())
		if err != nil {
			return area{}, fmt.Errorf("Kreis of %s: %w", t.Name, err)
		}
		a.kreisKey, a.kreisName = parent.Key(), parent.Name
		if parent.Active {
			a.kreis = parent
		}
		return a, nil
	}
	return area{}, nil
}

// gemeindeStrecken returns the Antragsstrecken the Gemeinden of a Kreis
// run themselves; kept for a few seconds like the live ones.
func (p *Portal) gemeindeStrecken(ctx context.Context, kreisKey string) ([]string, error) {
	d, ok := p.services.(Delegations)
	if !ok || kreisKey == "" {
		return nil, nil
	}
	if keys, ok := p.levels.get(kreisKey); ok {
		return keys, nil
	}
	keys, err := d.GemeindeAntragsstrecken(ctx, kreisKey)
	if err != nil {
		return nil, fmt.Errorf("Antragsstrecken of the Gemeinden in %s: %w", kreisKey, err)
	}
	p.levels.put(kreisKey, keys)
	return keys, nil
}

// delegated reports whether the Gemeinden of the area's Kreis run the
// Antragsstrecke themselves.
func (p *Portal) delegated(ctx context.Context, a area, strecke string) (bool, error) {
	keys, err := p.gemeindeStrecken(ctx, a.kreisKey)
	return slices.Contains(keys, strecke), err
}

// responsibleFor says who runs an Antragsstrecke for the area and whether
// it runs it live: the Gemeinde where it is the Gemeinden's task, else the
// Landkreis or kreisfreie Stadt.
func (p *Portal) responsibleFor(ctx context.Context, a area, strecke string) (responsible, error) {
	var r responsible
	gemeinde := false
	if a.gemeindeName != "" {
		var err error
		if gemeinde, err = p.delegated(ctx, a, strecke); err != nil {
			return r, err
		}
	}
	if gemeinde {
		r = responsible{Tenant: a.gemeinde, Name: a.gemeindeName, article: gemeindeArticle(a.gemeindeName, a.gemeindeKind)}
	} else {
		r = responsible{Tenant: a.kreis, Name: a.kreisName, article: kreisArticle(a.kreisName)}
	}
	if r.Tenant != nil {
		live, err := p.live(ctx, r.Tenant.ID)
		if err != nil {
			return r, err
		}
		r.Live = slices.Contains(live, strecke)
	}
	return r, nil
}

// effectiveLive returns the Antragsstrecken a municipality's citizens can
// apply for online, whoever runs them: a Gemeinde's portal offers what its
// Landkreis runs for it (HzL of the Landkreis Harz on Wernigerode's
// portal) and what it runs itself where that is its task.
func (p *Portal) effectiveLive(ctx context.Context, t *tenant.Tenant) ([]string, error) {
	if t.Kind != tenant.KindGemeinde {
		return p.live(ctx, t.ID)
	}
	a, err := p.areaOfTenant(ctx, t)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, s := range site.Services {
		for _, strecke := range s.Antragsstrecken {
			r, err := p.responsibleFor(ctx, a, strecke)
			if err != nil {
				return nil, err
			}
			if r.Live && !slices.Contains(out, strecke) {
				out = append(out, strecke)
			}
		}
	}
	return out, nil
}

// kreisArticle is the German article of a Kreis' name: "der Landkreis
// Harz", "der Burgenlandkreis", "die Stadt Halle (Saale)", "die
// Landeshauptstadt Magdeburg"; none for a bare city name.
func kreisArticle(name string) string {
	first, _, _ := strings.Cut(name, " ")
	switch {
	case strings.HasSuffix(strings.ToLower(first), "kreis"):
		return "der"
	case slices.Contains(townTitles, first):
		return "die"
	}
	return ""
}

// gemeindeArticle names a Gemeinde with its article: a title in the name
// takes "die" ("die Hansestadt Stendal", "die Stadt Wernigerode"); a bare
// name from the official list gets its kind ("die Stadt Ilsenburg (Harz)",
// "die Gemeinde Nordharz"); a bare tenant name gets none.
func gemeindeArticle(name string, kind gazetteer.Kind) string {
	first, _, _ := strings.Cut(name, " ")
	switch {
	case slices.Contains(townTitles, first):
		return "die"
	case kind == gazetteer.KindStadt:
		return "die Stadt"
	case kind == gazetteer.KindGemeinde:
		return "die Gemeinde"
	}
	return ""
}

// townTitles are the words before a town's name that take "die".
var townTitles = []string{"Stadt", "Gemeinde", "Landeshauptstadt", "Hansestadt", "Lutherstadt", "Welterbestadt",
	"Solestadt", "Goethestadt", "Einheitsgemeinde", "Verbandsgemeinde"}
