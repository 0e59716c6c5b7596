package www

import (
	"fmt"
	"net/http"

	"sozialplattform/tenant/i18n"
)

// Language is a language of the portal (tenant/i18n holds the list).
type Language = i18n.Language

// Catalogue holds one language's UI texts, with German behind it.
type Catalogue = i18n.Catalogue

// Languages are the portal's languages; German first, the default and
// the fallback of content.
var Languages = i18n.Languages

// languageByCode returns a supported language.
func languageByCode(code string) (Language, bool) { return i18n.ByCode(code) }

// loadCatalogues returns every language's catalogue of the embedded
// texts (tenant/i18n), keyed by language code.
func loadCatalogues() (map[string]*Catalogue, error) {
	b, err := i18n.Load()
	if err != nil {
		return nil, fmt.Errorf("portal messages: %w", err)
	}
	out := make(map[string]*Catalogue, len(Languages))
	for _, l := range Languages {
		out[l.Code] = b.Catalogue(l.Code)
	}
	return out, nil
}

// langCookie remembers the chosen language.
const langCookie = "sprache"

// negotiate picks the request's language: ?lang= (remembered in a cookie
// when supported), then the cookie, then Accept-Language, then German. An
// unsupported ?lang= is ignored.
func (p *Portal) negotiate(w http.ResponseWriter, r *http.Request) Language {
	if code := r.URL.Query().Get("lang"); code != "" {
		if l, ok := languageByCode(code); ok {
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l.Code, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, Secure: p.secure, SameSite: http.SameSiteLaxMode})
			return l
		}
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := languageByCode(c.Value); ok {
			return l
		}
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}
