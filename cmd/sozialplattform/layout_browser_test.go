package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
)

// layoutWidths are the viewport widths the layout guard checks: a phone
// and a common laptop.
var layoutWidths = []int64{390, 1366}

// layoutCheck runs in the page and returns its layout problems (issue 16):
//   - two interactive elements overlap (a click on one runs the other);
//   - a control is narrower than its visible label (KERN's icon-button
//     rule once squashed text buttons to 32 px);
//   - a target is smaller than 24 × 24 px (WCAG 2.2 SC 2.5.8; links in
//     running text are exempt, as the criterion says);
//   - a card is taller than its content needs (a catalogue of 15 products
//     was 64,883 px tall); a card may be as tall as the tallest card of its
//     row.
//   - on a laptop (1366 px) a table's scroll region scrolls, hiding
//     columns (a table may scroll in its region on a phone only);
//   - the page is wider than the window, so that it scrolls sideways
//     (WCAG 2.1 SC 1.4.10 Reflow; a wide table scrolls in its own
//     focusable, labelled region instead).
const layoutCheck = `(() => {
  const problems = [];
  const visible = el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none" && !el.closest("details:not([open]) > :not(summary)");
  };
  const name = el => {
    let s = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "");
    const t = (el.innerText || el.value || el.getAttribute("aria-label") || el.getAttribute("href") || "").trim().replace(/\s+/g, " ").slice(0, 50);
    return s + (t ? " „" + t + "“" : "");
  };
  const hidden = el => el.closest(".visually-hidden, .kern-sr-only, .app-skip-link");
  const controls = Array.from(document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary"))
    .filter(el => !hidden(el) && visible(el));
  const rects = el => Array.from(el.getClientRects()).filter(r => r.width > 0.5 && r.height > 0.5);
  // A control's area is its box and its visible label, which may spill
  // out of a box too narrow for it.
  const all = controls.map(el => {
    const rs = rects(el);
    const label = el.querySelector(":scope > .kern-label");
    if (label) rs.push(...rects(label));
    return {el, rs};
  });
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i], b = all[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      let hit = false;
      for (const ra of a.rs) for (const rb of b.rs) {
        const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (w > 1 && h > 1) hit = true;
      }
      if (hit) problems.push("overlap: " + name(a.el) + " / " + name(b.el));
    }
  }
  const buttons = controls.filter(el => el.matches("button, .kern-btn, input[type=submit], summary.kern-btn"));
  for (const el of buttons) {
    const r = el.getBoundingClientRect();
    const label = el.querySelector(".kern-label") || el;
    const lr = label.getBoundingClientRect();
    if (lr.width > r.width + 1 || lr.left < r.left - 1 || lr.right > r.right + 1) {
      problems.push("label wider than its control (" + Math.round(r.width) + " px): " + name(el));
    }
  }
  const targets = controls.filter(el => el.matches("button, .kern-btn, input:not([type=hidden]), select, textarea, summary"));
  for (const el of targets) {
    const r = el.getBoundingClientRect();
    if (r.width < 23.5 || r.height < 23.5) {
      problems.push("target " + Math.round(r.width) + "×" + Math.round(r.height) + " px: " + name(el));
    }
  }
  const cards = Array.from(document.querySelectorAll(".kern-card")).filter(visible).map(el => {
    const r = el.getBoundingClientRect();
    let bottom = r.top;
    for (const d of el.querySelectorAll("*")) {
      if (d.children.length > 0 || !visible(d)) continue;
      bottom = Math.max(bottom, d.getBoundingClientRect().bottom);
    }
    return {el, r, content: bottom - r.top};
  });
  for (const c of cards) {
    const row = cards.filter(o => o.el.parentElement === c.el.parentElement && Math.abs(o.r.top - c.r.top) < 2);
    const need = Math.max(...row.map(o => o.content)) + 64; // padding and a little air
    if (c.r.height > need) {
      problems.push("card " + Math.round(c.r.height) + " px tall for " + Math.round(c.content) + " px of content: " + name(c.el.querySelector("h2, h3, h4") || c.el));
    }
  }
  // On a laptop a table fits: its scroll region (for phones) must not
  // hide a column there (finding m22: "Aktion" clipped to "Bearb" at
  // 1366 px).
  if (window.innerWidth >= 1280) {
    // Known exceptions, left to the Umsetzungsstand's own redesign: its
    // matrices have a column per phase and stand and scroll on a laptop.
    const wideByDesign = ["Umsetzungsstand je Antragsstrecke", "Stand je Kreis und kreisfreier Stadt", "Fälle mit Variante, Fachverfahren und Phasen"];
    for (const el of document.querySelectorAll(".kern-table-responsive")) {
      const caption = (el.querySelector("caption") || {}).innerText || "";
      if (wideByDesign.some(c => caption.startsWith(c))) continue;
      if (visible(el) && el.scrollWidth > el.clientWidth + 1) {
        problems.push("table scrolls sideways (" + el.scrollWidth + " px in " + el.clientWidth + " px): " + name(el.querySelector("caption") || el));
      }
    }
  }
  // The page must not scroll sideways (WCAG 1.4.10 Reflow): wide tables
  // scroll in their own focusable region. The culprits are the elements
  // that stick out of a parent that does not, outside any scroll region.
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw + 1) {
    // A scroll region clips its descendants – but an absolutely
    // positioned one (a screen-reader text) only when the region or an
    // element inside it is its containing block.
    const clipped = el => {
      let abs = getComputedStyle(el).position === "absolute";
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX !== "visible" && (!abs || s.position !== "static")) return true;
        if (abs && s.position !== "static") abs = s.position === "absolute";
      }
      return false;
    };
    const culprits = Array.from(document.body.querySelectorAll("*")).filter(el => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > vw + 1 && el.parentElement && el.parentElement.getBoundingClientRect().right <= vw + 1 && !clipped(el);
    }).slice(0, 3).map(el => name(el) + (el.className ? "." + String(el.className).split(" ").join(".") : "") + " " + Math.round(el.getBoundingClientRect().right) + " px");
    problems.push("page " + document.documentElement.scrollWidth + " px wide for " + vw + " px: " + culprits.join(", "));
  }
  return {problems, controls: controls.length};
})()`

type layoutResult struct {
	Problems []string `json:"problems"`
	Controls int      `json:"controls"`
}

// checkLayout loads path at each width and returns the problems found,
// and the links of the page (for the crawl).
func checkLayout(ctx context.Context, base, path string) (problems []string, links []string, err error) {
	for i, w := range layoutWidths {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			return nil, nil, fmt.Errorf("viewport %d px: %w", w, err)
		}
		if i == 0 {
			if err := loadPage(ctx, base+path); err != nil {
				return nil, nil, err
			}
		}
		// The page lays itself out anew for the width (the check's
		// measurements force the layout); wait until it has the width.
		for {
			got, err := evaluate[int64](ctx, `window.innerWidth`)
			if err == nil && got == w {
				break
			}
			if ctx.Err() != nil {
				return nil, nil, fmt.Errorf("the page did not take the width %d px (%d, %v): %w", w, got, err, ctx.Err())
			}
			time.Sleep(20 * time.Millisecond)
		}
		res, err := chromedp.Run(ctx, chromedp.Evaluate[layoutResult](layoutCheck))
		if err != nil {
			return nil, nil, fmt.Errorf("check at %d px: %w", w, err)
		}
		for _, p := range res.Problems {
			problems = append(problems, fmt.Sprintf("%d px: %s", w, p))
		}
	}
	links, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("a[href]")).map(a => new URL(a.getAttribute("href"), location.href).href)`))
	return problems, links, err
}

// checkLayoutWithin checks one page with a deadline of its own, so that a
// page that does not load (a server that does not answer, a link that
// turns out to be a download) is named as that page's failure instead of
// spending the whole crawl's time; a page that times out is loaded once
// more before it counts as failed.
func checkLayoutWithin(ctx context.Context, base, path string) (problems []string, links []string, err error) {
	for attempt := 0; attempt < 2; attempt++ {
		pageCtx, cancel := context.WithTimeout(ctx, time.Minute)
		problems, links, err = checkLayout(pageCtx, base, path)
		cancel()
		if err == nil || !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			return problems, links, err
		}
	}
	return nil, nil, fmt.Errorf("page did not load within a minute, twice: %w", err)
}

// crawlable says whether the guard follows a console link: pages of the
// console and the marketplace, no downloads, no calendar feeds.
func crawlable(base string, href string) (string, bool) {
	u, err := url.Parse(href)
	if err != nil || !strings.HasPrefix(href, base) {
		return "", false
	}
	p := u.Path
	if !(strings.HasPrefix(p, "/admin/") || strings.HasPrefix(p, "/marktplatz/")) {
		return "", false
	}
	for _, skip := range []string{".csv", "/datei/", "/anhang/", "/kalender", "/antraege/antrag/", "/einladung/", "/passwort/"} {
		if strings.Contains(p, skip) {
			return "", false
		}
	}
	q := u.Query()
	q.Del("hinweis")
	u.RawQuery = q.Encode()
	u.Fragment = ""
	return strings.TrimPrefix(u.String(), base), true
}

// routeKey is a page's route: its path with object IDs (UUIDs, product and
// order numbers) replaced and without query.
func routeKey(path string) string {
	p, _, _ := strings.Cut(path, "?")
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if idLike.MatchString(s) || (i > 0 && (segs[i-1] == "dienst" || segs[i-1] == "kommune")) {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

var idLike = regexp.MustCompile(`^([0-9a-f]{8}-[0-9a-f-]{27,}|SW\d+|\d+)$`)

// layoutGuard is the layout guard of issue 16: it crawls the console
// as the ministry, a municipality and a Beratungsstelle (up to
// maxPages pages each, all reached by links from the start page and the
// catalogue, the long demo lists included) and a sample of portal pages,
// each at 390 and 1366 px, and fails on overlapping
// controls, controls narrower than their label, targets under 24 × 24 px
// and cards taller than their content. A planted squashed button proves
// that the guard sees what it should.
func layoutGuard(t *testing.T, root context.Context) {
	a, srv := demoConsole(t, true)
	bg := context.Background()
	// Harz's Merkzettel and Warenkorb hold products, so that their tables
	// (Summe and Entfernen side by side) are on the pages.
	harz, err := a.store.ResolveTenant(bg, "15085")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"SW10184", "SW10188"} {
		if err := a.market.AddToWishlist(bg, harz.ID, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"SW10189", "SW10101"} {
		if _, err := a.market.AddToCart(bg, harz.ID, p); err != nil {
			t.Fatal(err)
		}
	}
	// Each page has a deadline of its own (checkLayoutWithin); this one
	// only bounds the whole crawl. The test took 31-37 s alone, 2-4.5
	// minutes in the suite and 13 minutes on two cores shared with
	// another guard, two seed stories and compilers (load average 40).
	root, cancel := context.WithTimeout(root, 20*time.Minute)
	defer cancel()
	ctx, closeTab := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	defer closeTab()

	// The guard must see a squashed button (as KERN's icon-button rule
	// drew ours: 32 px wide, the label spilling onto the next button) and
	// a stretched card. Styles are set through the CSSOM: the pages' CSP
	// refuses style attributes.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}
	if err := loadPage(ctx, srv.URL+"/marktplatz/"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
			document.querySelector("main").insertAdjacentHTML("afterbegin",
				'<div class="kern-btn-wrapper"><button id="squashed" class="kern-btn kern-btn--secondary kern-btn--x-small">'+
				'<span class="kern-label">Abschließen</span></button>'+
				'<button class="kern-btn kern-btn--secondary kern-btn--x-small"><span class="kern-label">Zurücksetzen</span></button></div>'+
				'<ul id="stretched"><li class="kern-card"><p>kurz</p></li></ul><p id="wide">breit</p>'+
				'<div class="kern-table-responsive"><table class="kern-table"><caption>Zu breite Tabelle</caption><tr><td id="widecell">x</td></tr></table></div>');
			document.getElementById("widecell").style.minWidth = "3000px";
			document.getElementById("wide").style.width = "3000px";
			const b = document.getElementById("squashed");
			b.style.width = "32px"; b.style.overflow = "visible"; b.style.whiteSpace = "nowrap";
			b.querySelector(".kern-label").style.whiteSpace = "nowrap";
			const l = document.getElementById("stretched");
			l.style.display = "flex"; l.style.height = "3000px";
		})()`)); err != nil {
		t.Fatal(err)
	}
	planted, err := chromedp.Run(ctx, chromedp.Evaluate[layoutResult](layoutCheck))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"label wider than its control", "overlap: button#squashed „Abschließen“ / button „Zurücksetzen“", "card 3000 px tall", "px: p#wide „breit“",
		"table scrolls sideways (3"} {
		if !slices.ContainsFunc(planted.Problems, func(p string) bool { return strings.Contains(p, want) }) {
			t.Fatalf("the guard misses a planted %q: %v", want, planted.Problems)
		}
	}

	var failures []string
	pages := 0
	const maxPages = 60
	for _, login := range []string{"ministerium@demo.example", "harz@demo.example", counselling.DemoEditor} {
		role := newPerson(t, root, srv.URL, &failures)
		role.login(login, tenant.DemoPassword)
		queue, seen := []string{"/admin/", "/marktplatz/"}, map[string]bool{}
		seenPath := map[string]bool{}
		for len(queue) > 0 && len(seen) < maxPages {
			path := queue[0]
			queue = queue[1:]
			if seen[path] {
				continue
			}
			seen[path] = true
			problems, links, err := checkLayoutWithin(role.ctx, srv.URL, path)
			if err != nil {
				failures = append(failures, fmt.Sprintf("%s %s: %v", login, path, err))
				continue
			}
			pages++
			for _, p := range problems {
				failures = append(failures, fmt.Sprintf("%s %s: %s", login, path, p))
			}
			for _, l := range links {
				next, ok := crawlable(srv.URL, l)
				// One page of each route: filters, sortings and other
				// objects of the same page add little to its layout.
				key := routeKey(next)
				if ok && !seen[next] && !seenPath[key] {
					seenPath[key] = true
					queue = append(queue, next)
				}
			}
		}
		role.leave()
		visited := make([]string, 0, len(seen))
		for p := range seen {
			visited = append(visited, p)
		}
		slices.Sort(visited)
		t.Logf("%s: %d pages: %s", login, len(seen), strings.Join(visited, " "))
	}
	portal, cancelPortal := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	defer cancelPortal()
	for _, path := range []string{"/", "/leistungen/", "/landkreis-harz/", "/landkreis-harz/leistungen/",
		"/landkreis-harz/leistungen/hzl/beantragen", "/leistungen/buergergeld/beantragen?ort=Ballenstedt",
		"/sozialleistungsfinder/", "/landkreis-harz/beratung", "/marktplatz/", "/marktplatz/registrierung", "/admin/anmelden"} {
		problems, _, err := checkLayout(portal, srv.URL, path)
		if err != nil {
			failures = append(failures, fmt.Sprintf("anonymous %s: %v", path, err))
			continue
		}
		pages++
		for _, p := range problems {
			failures = append(failures, fmt.Sprintf("anonymous %s: %s", path, p))
		}
	}
	t.Logf("layout guard: %d pages at %v px", pages, layoutWidths)
	if len(failures) > 0 {
		t.Errorf("%d layout problems:\n%s", len(failures), strings.Join(failures, "\n"))
	}
}
