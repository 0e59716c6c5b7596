package www

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// keyboard drives a page the way a keyboard user does: Tab and Shift+Tab
// to move, Space, Enter and the arrow keys to choose, typing to fill in.
// It never clicks and never sets a value by script.
type keyboard struct {
	t   *testing.T
	ctx context.Context
	axe string
	// pages counts the pages axe checked.
	pages int
}

// focused names the element with the focus: "#id", "name=value" for a
// button with a name, else its text.
func (k *keyboard) focused() string {
	k.t.Helper()
	s, err := chromedp.Run(k.ctx, chromedp.Evaluate[string](`(() => { const e = document.activeElement;
		if (!e || e === document.body) return "";
		if (e.id) return "#" + e.id;
		if (e.name) return e.name + "=" + (e.value || "");
		return (e.textContent || "").trim(); })()`))
	if err != nil {
		k.t.Fatal(err)
	}
	return s
}

func (k *keyboard) press(key string, mods ...chromedp.Modifier) {
	k.t.Helper()
	var opts []chromedp.KeyOption
	for _, m := range mods {
		opts = append(opts, chromedp.KeyModifiers(m))
	}
	if err := chromedp.Do(k.ctx, chromedp.KeyEvent(key, opts...)); err != nil {
		k.t.Fatal(err)
	}
}

// tabTo moves the focus with Tab until match accepts the focused element,
// and with Shift+Tab back when it is above.
func (k *keyboard) tabTo(what string, match func(string) bool) string {
	k.t.Helper()
	for _, mod := range []chromedp.Modifier{chromedp.ModifierNone, chromedp.ModifierShift} {
		for range 160 {
			if f := k.focused(); match(f) {
				return f
			}
			k.press(kb.Tab, mod)
		}
	}
	k.t.Fatalf("neither Tab nor Shift+Tab reaches %s (focus on %q)", what, k.focused())
	return ""
}

func (k *keyboard) tabToKey(key string) { k.tabTo(key, func(f string) bool { return f == key }) }

// eval runs a script that reads the page.
func (k *keyboard) eval(script string) string {
	k.t.Helper()
	s, err := chromedp.Run(k.ctx, chromedp.Evaluate[string](script))
	if err != nil {
		k.t.Fatalf("%s: %v", script, err)
	}
	return s
}

// fill answers one field by its name with the keyboard, whatever kind of
// control the form renders for it.
func (k *keyboard) fill(name, value string) {
	k.t.Helper()
	kind := k.eval(fmt.Sprintf(`(() => { const e = document.getElementsByName(%q)[0]; if (!e) return "";
		return e.tagName === "INPUT" ? e.type : e.tagName.toLowerCase(); })()`, name))
	value_ := func() string { return k.eval(fmt.Sprintf(`document.getElementById(%q).value`, "f-"+name)) }
	switch kind {
	case "":
		k.t.Fatalf("no field %s on %s", name, k.eval(`location.pathname`))
	case "select":
		k.tabToKey("#f-" + name)
		for range 300 {
			if value_() == value {
				return
			}
			k.press(kb.ArrowDown)
		}
		k.t.Fatalf("arrow keys never chose %s in %s", value, name)
	case "radio":
		prefix := "#f-" + name + "-"
		k.tabTo(name, func(f string) bool { return strings.HasPrefix(f, prefix) })
		for range 30 {
			checked := k.eval(fmt.Sprintf(`(document.querySelector('input[name=%q]:checked') || {}).value || ""`, name))
			if checked == value {
				return
			}
			if k.eval(`document.activeElement.value`) == value {
				k.press(" ")
				continue
			}
			k.press(kb.ArrowDown)
		}
		k.t.Fatalf("arrow keys never chose %s in %s", value, name)
	case "checkbox":
		id := k.eval(fmt.Sprintf(`(document.querySelector('input[name=%q][value=%q]') || {}).id || ""`, name, value))
		k.tabToKey("#" + id)
		if k.eval(fmt.Sprintf(`String(document.getElementById(%q).checked)`, id)) != "true" {
			k.press(" ")
		}
	case "date": // value as YYYY-MM-DD, typed in the order of the browser's locale
		k.tabToKey("#f-" + name)
		parts := map[string]string{"day": value[8:10], "month": value[5:7], "year": value[0:4]}
		order := k.eval(`new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2000, 10, 22))
			.filter(p => ["day", "month", "year"].includes(p.type)).map(p => p.type).join(" ")`)
		for _, part := range strings.Fields(order) {
			k.press(parts[part])
		}
		if got := value_(); got != value {
			k.t.Fatalf("date %s: typed %s, field holds %q", name, value, got)
		}
	default: // text, tel, email, number, textarea
		k.tabToKey("#f-" + name)
		if value_() == value {
			return
		}
		if value_() != "" {
			k.press("a", chromedp.ModifierCtrl)
			k.press(kb.Delete)
		}
		k.press(value)
		if got := value_(); got != value {
			k.t.Fatalf("%s: typed %q, field holds %q", name, value, got)
		}
	}
}

// waitPath waits until the page's path satisfies ok and the page is loaded.
func (k *keyboard) waitPath(what string, ok func(string) bool) string {
	k.t.Helper()
	deadline := time.Now().Add(pageWait)
	for time.Now().Before(deadline) {
		loc, err := evaluate[string](k.ctx, `document.readyState === "complete" ? location.pathname : ""`)
		if err == nil && loc != "" && ok(loc) {
			return loc
		}
		time.Sleep(pollEvery)
	}
	k.t.Fatalf("never arrived at %s (on %s)", what, k.eval(`location.pathname`))
	return ""
}

// checkAxe runs axe-core on the page: WCAG 2.1 A and AA, no violation of
// any impact.
func (k *keyboard) checkAxe(what string) {
	k.t.Helper()
	vs, err := runAxe(k.ctx, k.axe)
	if err != nil {
		k.t.Fatalf("%s: %v", what, err)
	}
	k.pages++
	for _, v := range vs {
		k.t.Errorf("%s: %s (%s) %s\n    %s", what, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n    "))
	}
}

// hzlByKeyboard are the answers of a single applicant in Halberstadt, step
// by step in the order of the form, as a keyboard user gives them.
var hzlByKeyboard = []struct {
	step   string
	fields [][2]string
}{
	{"antragsteller", [][2]string{{"beantragende_person", "selbst"}, {"familienname", "Muster"}, {"vorname", "Erika"},
		{"geburtsdatum", "1988-05-17"}, {"geburtsort", "Quedlinburg"}, {"geschlecht", "w"}, {"staatsangehoerigkeit", "000"},
		{"strasse", "Breiter Weg"}, {"hausnummer", "12"}, {"plz", "38820"}, {"ort", "Halberstadt"}, {"telefon", "03941 123456"},
		{"kontoinhaber", "Erika Muster"}, {"iban", "DE89 3704 0044 0532 0130 00"}}},
	{"situation", [][2]string{{"aktuelle_situation", "rente"}, {"rentenart", "em_teil"}, {"erwerbsfaehigkeit", "voruebergehend"},
		{"familienstand", "LD"}, {"krankenversicherung", "gesetzlich"}, {"krankenkasse", "AOK Sachsen-Anhalt"},
		{"schwerbehinderung", "nein"}, {"schwanger", "nein"}, {"alleinerziehend", "nein"}, {"ernaehrung", "nein"}}},
	{"haushalt", [][2]string{{"weitere_personen", "nein"}}},
	{"unterkunft", [][2]string{{"wohnsituation", "miete"}, {"einzug", "2020-04-01"}, {"wohnflaeche", "48"}, {"zimmer", "2"},
		{"grundmiete", "320,00"}, {"nebenkosten", "90,50"}, {"heizkosten", "65"}, {"warmwasser", "zentral"},
		{"vermieter", "Wohnungsbaugesellschaft Halberstadt mbH, Musterstraße 1, 38820 Halberstadt"}, {"mietrueckstaende", "nein"}}},
	{"einkommen", [][2]string{{"hat_einkommen", "nein"}}},
	{"ausgaben", [][2]string{{"hat_ausgaben", "nein"}}},
	{"vermoegen", [][2]string{{"vermoegen", "keins"}}},
	{"unterlagen", nil},
	{"nothilfe", [][2]string{{"notlage", "nein"}}},
}

// TestHzLByKeyboardOnAPhone applies for Hilfe zum Lebensunterhalt in
// Arabic and in Ukrainian on a 390 px phone with the keyboard only – log
// in, start, every step, the declarations, submit – through to the
// receipt, with axe-core finding nothing on any page; then the
// Servicekonto pages (login, account with "Meine Anträge", the
// application) pass axe in all six languages.
func TestHzLByKeyboardOnAPhone(t *testing.T) {
	t.Parallel()
	root := phoneBrowser(t)
	e, _, accounts := applicationEnv(t)
	ctx := context.Background()
	axe := axeSource(t)
	const password = "ein-sicheres-passwort"
	// Each language applies in a browser context of its own, side by side.
	for _, lang := range []string{"ar", "uk"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			email := "erika-" + lang + "@example.org"
			tok, err := accounts.Register(ctx, email, password, "Erika", "landkreis-harz")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := accounts.Confirm(ctx, tok); err != nil {
				t.Fatal(err)
			}
			bctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext()) // cookies of its own: logged out
			defer cancel()
			tctx, cancelT := context.WithTimeout(bctx, 8*time.Minute)
			defer cancelT()
			k := &keyboard{t: t, ctx: tctx, axe: axe}
			cat := e.portal.cats[lang]
			if err := chromedp.Do(tctx, chromedp.EmulateViewport(390, 844)); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(tctx, chromedp.Navigate(e.srv.URL+"/landkreis-harz/antrag/hzl?lang="+lang)); err != nil {
				t.Fatal(err)
			}
			if dir := k.eval(`document.documentElement.dir || ""`); lang == "ar" && dir != "rtl" {
				t.Errorf("ar: page direction %q", dir)
			}
			k.checkAxe(lang + " start (logged out)")
			// Log in.
			k.tabToKey(cat.T("account.login.button"))
			k.press(kb.Enter)
			k.waitPath("login", func(p string) bool { return strings.HasSuffix(p, "/servicekonto/anmelden") })
			k.checkAxe(lang + " login")
			k.tabToKey("#email")
			k.press(email)
			k.tabToKey("#passwort")
			k.press(password)
			k.press(kb.Enter)
			k.waitPath("the application's start", func(p string) bool { return p == "/landkreis-harz/antrag/hzl" })
			k.checkAxe(lang + " start (logged in)")
			k.tabToKey(cat.T("app.start.button"))
			k.press(kb.Enter)
			for i, st := range hzlByKeyboard {
				k.waitPath("step "+st.step, func(p string) bool { return strings.HasSuffix(p, "/schritt/"+st.step) })
				if i == 0 {
					// Sent empty first: the errors stand next to the fields
					// shown, and axe checks them too.
					k.tabToKey("aktion=weiter")
					k.press(kb.Enter)
					if err := waitFor(tctx, `document.querySelectorAll('[aria-invalid="true"]').length > 0`); err != nil {
						t.Fatalf("%s: the empty first step shows no errors: %v", lang, err)
					}
					k.checkAxe(lang + " step antragsteller with errors")
				}
				k.checkAxe(lang + " step " + st.step)
				for _, f := range st.fields {
					k.fill(f[0], f[1])
				}
				k.tabToKey("aktion=weiter")
				k.press(kb.Enter)
			}
			k.waitPath("the summary", func(p string) bool { return strings.HasSuffix(p, "/absenden") })
			if n := k.eval(`String(document.querySelectorAll('[aria-invalid="true"], .kern-alert--danger').length)`); n != "0" {
				t.Fatalf("%s: the summary shows %s problems: %s", lang, n, k.eval(`document.querySelector("main").innerText`))
			}
			k.checkAxe(lang + " summary")
			for _, id := range strings.Fields(k.eval(`Array.from(document.querySelectorAll('input[name="erklaerung"]')).map(e => e.value).join(" ")`)) {
				k.fill("erklaerung", id)
			}
			k.tabToKey(cat.T("app.submit"))
			k.press(kb.Enter)
			receipt := k.waitPath("the receipt", func(p string) bool { return strings.Contains(p, "/antrag/hzl/eingang/") })
			k.checkAxe(lang + " receipt")
			lastApp := receipt[strings.LastIndex(receipt, "/")+1:]
			// Meine Anträge through the header, with the keyboard.
			k.tabToKey(cat.T("nav.account.applications"))
			k.press(kb.Enter)
			k.waitPath("the account", func(p string) bool { return strings.HasSuffix(p, "/servicekonto/") })
			if k.eval(fmt.Sprintf(`String(!!document.querySelector('main a[href$="/servicekonto/antraege/%s"]'))`, lastApp)) != "true" {
				t.Errorf("%s: Meine Anträge does not list the application %s", lang, lastApp)
			}
			k.checkAxe(lang + " Meine Anträge")
			k.tabTo("the application in Meine Anträge", func(f string) bool {
				return k.eval(`(document.activeElement.getAttribute("href") || "")`) == "/landkreis-harz/servicekonto/antraege/"+lastApp
			})
			k.press(kb.Enter)
			k.waitPath("the application's page", func(p string) bool { return strings.HasSuffix(p, "/servicekonto/antraege/"+lastApp) })
			k.checkAxe(lang + " application in the Servicekonto")
			if lang == "uk" {
				// The Servicekonto pages in every language: logged in here, and
				// the login page in a fresh context.
				for _, l := range []string{"de", "en", "ar", "uk", "tr", "ru"} {
					for _, path := range []string{"/landkreis-harz/servicekonto/?lang=" + l, "/landkreis-harz/servicekonto/?lang=" + l + "#antraege",
						"/landkreis-harz/servicekonto/antraege/" + lastApp + "?lang=" + l} {
						if err := chromedp.Do(tctx, chromedp.Navigate(e.srv.URL+path)); err != nil {
							t.Fatal(err)
						}
						k.checkAxe(l + " " + path)
					}
				}
				fresh, cancelF := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
				fk := &keyboard{t: t, ctx: fresh, axe: axe}
				if err := chromedp.Do(fresh, chromedp.EmulateViewport(390, 844)); err != nil {
					t.Fatal(err)
				}
				for _, l := range []string{"de", "en", "ar", "uk", "tr", "ru"} {
					if err := chromedp.Do(fresh, chromedp.Navigate(e.srv.URL+"/landkreis-harz/servicekonto/anmelden?lang="+l)); err != nil {
						t.Fatal(err)
					}
					fk.checkAxe(l + " login page")
				}
				cancelF()
			}
			t.Logf("%s: %d pages checked by axe, all by keyboard", lang, k.pages)
		})
	}
}
