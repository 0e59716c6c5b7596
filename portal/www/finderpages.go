package www

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"html"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"sozialplattform/portal/finder"
	"sozialplattform/portal/site"
	"sozialplattform/tenant"
	"sozialplattform/tenant/web"
)

// formToken returns the form token of the request: the session's when
// there is one (a logged-in citizen or staff member), before that the
// signed cookie's (web.FormTokens) – a stranger's GET of a login,
// registration or booking page writes no session row.
func (p *Portal) formToken(w http.ResponseWriter, r *http.Request) (string, error) {
	tok, err := p.sessionToken(r)
	if err != nil {
		return "", fmt.Errorf("portal session: %w", err)
	}
	if tok != "" {
		return tok, nil
	}
	return p.forms.Token(w, r), nil
}

// sessionToken is the form token of the request's session, "" when the
// request has no session (or one without a token).
func (p *Portal) sessionToken(r *http.Request) (string, error) {
	sess, err := p.sessions.Get(r, p.sessions.CookieName())
	if err != nil {
		return "", err
	}
	if sess.IsNew {
		return "", nil
	}
	tok, _ := sess.Values[tenant.SessionCSRF].(string)
	return tok, nil
}

// formTokenValid checks a form's token the way formToken issued it: the
// session's when the session holds one, otherwise the signed cookie's.
func (p *Portal) formTokenValid(r *http.Request, formToken string) bool {
	tok, err := p.sessionToken(r)
	if err != nil {
		return false
	}
	if tok != "" {
		return web.CSRFTokenValid(tok, formToken)
	}
	return p.forms.Valid(r, formToken)
}

// maxFormBytes caps the portal's forms; the largest is the feedback form.
const maxFormBytes = 32 << 10

// checkForm reads a POSTed form and checks its token (see formTokenValid).
// On failure it has answered with an error page in the user's language.
func (p *Portal) checkForm(w http.ResponseWriter, r *http.Request) bool {
	return p.checkFormWith(w, r, func(tok string) bool { return p.formTokenValid(r, tok) })
}

// checkFormToken reads a POSTed form and checks its token against want.
func (p *Portal) checkFormToken(w http.ResponseWriter, r *http.Request, want string) bool {
	return p.checkFormWith(w, r, func(tok string) bool { return web.CSRFTokenValid(want, tok) })
}

// checkFormWith reads a POSTed form and checks its token with valid.
func (p *Portal) checkFormWith(w http.ResponseWriter, r *http.Request, valid func(formToken string) bool) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	cat := p.cat(r)
	v := p.view(r, "")
	if err := r.ParseForm(); err != nil {
		status, text := http.StatusBadRequest, cat.T("error.form.text")
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			status, text = http.StatusRequestEntityTooLarge, cat.T("error.toolarge.text")
		}
		v.Title = cat.T("error.form.title")
		v.Data = errorData{Heading: v.Title, Text: text}
		p.render(w, r, status, "fehler", v, private)
		return false
	}
	if !valid(r.PostForm.Get("csrf")) {
		v.Title = cat.T("error.csrf.title")
		v.Data = errorData{Heading: v.Title, Text: cat.T("error.csrf.text")}
		p.render(w, r, http.StatusForbidden, "fehler", v, private)
		return false
	}
	return true
}

// questionView is one question on a finder page.
type questionView struct {
	*finder.Question
	Value    string   // the answer in text form
	Selected []string // for multi questions
	Error    string
}

// Is reports whether the answer is v.
func (q questionView) Is(v string) bool { return q.Value == v }

// Has reports whether a multi answer includes v.
func (q questionView) Has(v string) bool { return slices.Contains(q.Selected, v) }

// Months lists 1 … 12 for the month select.
func (q questionView) Months() []int { return []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12} }

// finderStepData fills a finder page.
type finderStepData struct {
	Step, Steps int
	Group       *finder.Group
	Questions   []questionView
	Errors      []questionView // those with an error, for the summary
	Action      string
	Prev        string
}

func (p *Portal) finderBase(r *http.Request) string {
	return stateFrom(r).site.Prefix + "/sozialleistungsfinder/"
}

// introData fills the finder's first page.
type introData struct {
	Start, Result string
	Answered      int
	Questions     int
	Groups        int
}

func (p *Portal) finderIntro(w http.ResponseWriter, r *http.Request) {
	st, tok, err := p.finderSession(w, r)
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	v := p.view(r, p.cat(r).T("finder.title"))
	v.Nav = "finder"
	v.CSRF = tok
	base := p.finderBase(r)
	v.Data = introData{Start: base + "schritt/1", Result: base + "ergebnis", Answered: len(p.validAnswers(st)),
		Questions: len(p.rules.Questions()), Groups: len(p.rules.Groups())}
	p.render(w, r, http.StatusOK, "finder-start", v, private)
}

// step parses {n}; false (and a 404) when it is no page of the finder.
func (p *Portal) step(w http.ResponseWriter, r *http.Request) (int, bool) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > len(p.rules.Groups()) || len(r.PathValue("n")) > 2 {
		p.notFound(w, r, p.view(r, ""))
		return 0, false
	}
	return n, true
}

func (p *Portal) finderStep(w http.ResponseWriter, r *http.Request) {
	n, ok := p.step(w, r)
	if !ok {
		return
	}
	st, tok, err := p.finderSession(w, r)
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	p.renderStep(w, r, n, p.validAnswers(st), tok, nil, http.StatusOK)
}

// renderStep shows page n with the answers a and the form token tok.
func (p *Portal) renderStep(w http.ResponseWriter, r *http.Request, n int, a finder.Answers, tok string, problems map[string]string, status int) {
	g := p.rules.Groups()[n-1]
	cat := p.cat(r)
	d := finderStepData{Step: n, Steps: len(p.rules.Groups()), Group: g, Action: p.finderBase(r) + "schritt/" + strconv.Itoa(n)}
	if n > 1 {
		d.Prev = p.finderBase(r) + "schritt/" + strconv.Itoa(n-1)
	} else {
		d.Prev = p.finderBase(r)
	}
	for _, q := range g.Questions {
		qv := questionView{Question: q, Value: a[q.ID], Error: problems[q.ID]}
		if q.Type == finder.TypeMulti && qv.Value != "" {
			qv.Selected = strings.Split(qv.Value, ",")
		}
		d.Questions = append(d.Questions, qv)
		if qv.Error != "" {
			d.Errors = append(d.Errors, qv)
		}
	}
	title := cat.Tf("finder.step.title", cat.T("finder.group."+g.ID), n, d.Steps)
	if len(d.Errors) > 0 {
		title = cat.T("form.errors.prefix") + " " + title
	}
	v := p.view(r, title)
	v.Nav = "finder"
	v.CSRF = tok
	v.Data = d
	p.render(w, r, status, "finder-schritt", v, private)
}

// problemText is the message for an invalid answer in the user's language.
func problemText(cat *Catalogue, pr *finder.Problem) string {
	return cat.Tf("finder.error."+pr.Code, pr.Min, pr.Max)
}

func (p *Portal) finderSubmit(w http.ResponseWriter, r *http.Request) {
	n, ok := p.step(w, r)
	if !ok {
		return
	}
	st, ok := p.checkFinderForm(w, r)
	if !ok {
		return
	}
	cat := p.cat(r)
	a := p.validAnswers(st)
	g := p.rules.Groups()[n-1]
	problems := map[string]string{}
	for _, q := range g.Questions {
		var text string
		if q.Type == finder.TypeMulti {
			vals := r.PostForm[q.ID]
			if len(vals) > len(q.Options) {
				vals = vals[:len(q.Options)+1] // Normalize rejects the surplus
			}
			text = strings.Join(vals, ",")
		} else {
			text = r.PostForm.Get(q.ID)
		}
		norm, prob := p.rules.Normalize(q.ID, text)
		if prob != nil {
			problems[q.ID] = problemText(cat, prob)
			delete(a, q.ID)
			continue
		}
		if norm == "" {
			delete(a, q.ID)
		} else {
			a[q.ID] = norm
		}
	}
	back := r.PostForm.Get("aktion") == "zurueck"
	st, err := p.saveAnswers(w, st, a)
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	if len(problems) > 0 && !back {
		// Show what was typed, with the message next to it.
		shown := finder.Answers{}
		for k, v := range a {
			shown[k] = v
		}
		for _, q := range g.Questions {
			if _, bad := problems[q.ID]; bad {
				s := r.PostForm.Get(q.ID)
				if len(s) > 40 {
					s = s[:40]
				}
				shown[q.ID] = s
			}
		}
		p.renderStep(w, r, n, shown, st.Token, problems, http.StatusUnprocessableEntity)
		return
	}
	base := p.finderBase(r)
	switch {
	case back && n == 1:
		http.Redirect(w, r, base, http.StatusSeeOther)
	case back:
		http.Redirect(w, r, base+"schritt/"+strconv.Itoa(n-1), http.StatusSeeOther)
	case n == len(p.rules.Groups()):
		http.Redirect(w, r, base+"ergebnis", http.StatusSeeOther)
	default:
		http.Redirect(w, r, base+"schritt/"+strconv.Itoa(n+1), http.StatusSeeOther)
	}
}

func (p *Portal) finderClear(w http.ResponseWriter, r *http.Request) {
	st, ok := p.checkFinderForm(w, r)
	if !ok {
		return
	}
	if _, err := p.saveAnswers(w, st, nil); err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	http.Redirect(w, r, p.finderBase(r)+"?geloescht=1", http.StatusSeeOther)
}

// resultView is one benefit on the result page.
type resultView struct {
	ID, Name, About string
	Status          finder.Status
	StatusLabel     string
	Reasons         []reasonView
	Missing         []missingView
	NotChecked      []string
	Law             string
	InfoURL         string
	ApplyURL        string // "Antrag stellen" when live for the place, else "Jetzt beantragen"
	ApplyLive       bool
	CounsellingURL  string
	Card            template.HTML // the rendered card (see cardHTML)
}

type reasonView struct{ Text, Law string }

type missingView struct{ Label, URL string }

// resultData fills the result page.
type resultData struct {
	Groups   []resultGroup
	Answered int
	Date     string
	Version  string
	Local    bool
	Start    string
	Base     string
}

type resultGroup struct {
	Status finder.Status
	Title  string
	Items  []resultView
}

// reasonText renders a reason with its parameters in the user's language.
func reasonText(cat *Catalogue, rs finder.Reason) string {
	values := map[string]string{}
	for k, v := range rs.Params {
		if rs.Units[k] == "EUR" {
			values[k] = cat.Money(v)
		} else { // years, months: a plain number ("vor dem 45. Geburtstag")
			values[k] = cat.Number(v)
		}
	}
	return cat.Named(rs.Key, values)
}

func (p *Portal) finderResult(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	cat := p.cat(r)
	fs, valid := p.finderState(r)
	a := p.validAnswers(fs)
	now := p.now()
	ev, err := p.rules.Evaluate(a, now)
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	var live []string
	if st.site.Local {
		if live, err = p.effectiveLive(r.Context(), st.site.Tenant); err != nil {
			p.serverError(w, r, p.view(r, ""), err)
			return
		}
	}
	tok, err := p.tokenOf(w, fs, valid)
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	v := p.view(r, cat.T("finder.result.title"))
	v.Nav = "finder"
	date := p.date(now)
	// The page is a function of what it shows: the same verdicts with the
	// same reasons, the same count, date and place give the same page,
	// whoever asks. So it is rendered once and kept; only the form token
	// differs. The key is a 128-bit hash of exactly those inputs.
	k := p.resultKey(v, st, len(a), date, ev, live)
	page, ok := p.results.get(k)
	if !ok {
		base := p.finderBase(r)
		data := resultData{Groups: []resultGroup{
			{Status: finder.Possible, Title: cat.T("finder.status.possible")},
			{Status: finder.Missing, Title: cat.T("finder.status.missing")},
			{Status: finder.Unlikely, Title: cat.T("finder.status.unlikely")},
		}, Answered: len(a), Date: date, Version: ev.Version, Local: st.site.Local, Start: base + "schritt/1", Base: base}
		for _, res := range ev.Results {
			rv := p.resultView(r, cat, res, live, base)
			card, err := p.cardHTML(v.Lang.Code, &rv)
			if err != nil {
				p.serverError(w, r, p.view(r, ""), err)
				return
			}
			rv.Card = card
			for i := range data.Groups {
				if data.Groups[i].Status == res.Status {
					data.Groups[i].Items = append(data.Groups[i].Items, rv)
				}
			}
		}
		v.CSRF = tokenPlaceholder
		v.Data = data
		body, err := p.renderBytes("finder-ergebnis", v)
		if err != nil {
			p.serverError(w, r, p.view(r, ""), err)
			return
		}
		page = cachedPage{body: body, lang: v.Lang.Code, holes: tokenHoles(body)}
		p.results.put(k, page)
	}
	setPageHeaders(w, page.lang)
	w.Header().Set("Cache-Control", "no-store")
	p.writeWithToken(w, r, page, tok)
}

// resultKey hashes what a result page shows (see finderResult).
func (p *Portal) resultKey(v *view, st *reqState, answered int, date string, ev *finder.Evaluation, live []string) string {
	var h [2]maphash.Hash
	h[0].SetSeed(p.keySeeds[0])
	h[1].SetSeed(p.keySeeds[1])
	str := func(s string) {
		for i := range h {
			h[i].WriteString(s)
			h[i].WriteByte(0)
		}
	}
	num := func(n int) { str(strconv.Itoa(n)) }
	str(v.Lang.Code)
	str(v.Path)
	str(v.Query)
	str(st.site.Prefix)
	if st.site.Tenant != nil {
		str(st.site.Tenant.ID)
		str(st.site.Tenant.Slug)
	}
	num(answered)
	str(date)
	str(ev.Version)
	num(len(live))
	for _, l := range live {
		str(l)
	}
	for _, res := range ev.Results {
		str(res.Benefit.ID)
		str(string(res.Status))
		num(len(res.Reasons))
		for _, rs := range res.Reasons {
			str(rs.Key)
			str(rs.Law)
			names := make([]string, 0, len(rs.Params))
			for n := range rs.Params {
				names = append(names, n)
			}
			slices.Sort(names)
			for _, n := range names {
				str(n)
				str(strconv.FormatFloat(rs.Params[n], 'g', -1, 64))
			}
		}
		num(len(res.Missing))
		for _, q := range res.Missing {
			str(q.ID)
		}
	}
	var out [16]byte
	binary.LittleEndian.PutUint64(out[:8], h[0].Sum64())
	binary.LittleEndian.PutUint64(out[8:], h[1].Sum64())
	return string(out[:])
}

// tokenPlaceholder stands for the form token in a kept page; it has the
// token's alphabet, so the templates write it unchanged.
const tokenPlaceholder = "form-token-placeholder-c2b1f0e4a7d94b3e8f21"

// resultCacheMax bounds the kept result pages (about 30 KB each).
const resultCacheMax = 512

// tokenHoles finds where a kept page has the token placeholder.
func tokenHoles(body []byte) []int {
	var holes []int
	for off := 0; ; {
		i := bytes.Index(body[off:], []byte(tokenPlaceholder))
		if i < 0 {
			return holes
		}
		holes = append(holes, off+i)
		off += i + len(tokenPlaceholder)
	}
}

// writeWithToken writes a kept page with the request's form token in its
// holes, in one write with its length (no chunked encoding); gzipped from
// the page's compressed parts when the client takes gzip.
func (p *Portal) writeWithToken(w http.ResponseWriter, r *http.Request, page cachedPage, tok string) {
	tok = html.EscapeString(tok)
	buf, _ := p.buffers.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer p.buffers.Put(buf)
	buf.Reset()
	last := 0
	for _, h := range page.holes {
		buf.Write(page.body[last:h])
		buf.WriteString(tok)
		last = h + len(tokenPlaceholder)
	}
	buf.Write(page.body[last:])
	w.Header().Add("Vary", "Accept-Encoding")
	if page.gz != nil && web.Accepts(r.Header, web.Gzip) {
		gzp, _ := p.results.gzBufs.Get().(*[]byte)
		if gzp == nil {
			gzp = new([]byte)
		}
		*gzp = page.gz.AppendGzip((*gzp)[:0], []byte(tok), buf.Bytes())
		defer p.results.gzBufs.Put(gzp)
		w.Header().Set("Content-Encoding", string(web.Gzip))
		w.Header().Set("Content-Length", strconv.Itoa(len(*gzp)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(*gzp)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

// resultView fills one benefit of the result page.
func (p *Portal) resultView(r *http.Request, cat *Catalogue, res finder.Result, live []string, base string) resultView {
	st := stateFrom(r)
	b := res.Benefit
	rv := resultView{ID: b.ID, Name: cat.T("finder.benefit." + b.ID + ".name"), About: cat.T("finder.benefit." + b.ID + ".about"),
		Status: res.Status, StatusLabel: cat.T("finder.status." + string(res.Status)), Law: b.Law}
	for _, rs := range res.Reasons {
		rv.Reasons = append(rv.Reasons, reasonView{Text: reasonText(cat, rs), Law: rs.Law})
	}
	for _, q := range res.Missing {
		rv.Missing = append(rv.Missing, missingView{Label: cat.T("finder.q." + q.ID + ".label"), URL: base + "schritt/" + strconv.Itoa(q.Step)})
	}
	for _, n := range b.NotChecked {
		rv.NotChecked = append(rv.NotChecked, cat.T("finder.unchecked."+n))
	}
	if b.Service != "" {
		rv.InfoURL = st.site.Prefix + "/leistungen/" + b.Service
		rv.ApplyURL = rv.InfoURL + "/beantragen"
		if svc, ok := site.ServiceByKey(b.Service); ok && st.site.Local {
			for _, s := range svc.Antragsstrecken {
				if slices.Contains(live, s) {
					rv.ApplyURL, rv.ApplyLive = "/"+st.site.Tenant.Slug+"/antrag/"+s, true
					break
				}
			}
		}
	}
	rv.CounsellingURL = st.site.Prefix + "/beratung?thema=" + counsellingTopic(b.ID)
	return rv
}

// counsellingTopics are the counselling topics that fit a benefit of the
// finder best; "Beratung in Ihrer Nähe" opens the directory filtered by
// it. The rest lead to the general Sozialberatung.
var counsellingTopics = map[string]string{
	"schuldnerberatung": "schuldnerberatung",
	"suchtberatung":     "suchtberatung",
	"mietrueckstaende":  "wohnungsnotfallhilfe",
	"asylblg":           "migrationsberatung",
}

func counsellingTopic(benefit string) string {
	if t, ok := counsellingTopics[benefit]; ok {
		return t
	}
	return "sozialberatung"
}

// cardHTML renders one benefit of the result page. A card depends only on
// what it shows, which repeats across citizens (most see the same card for
// Suchtberatung), so rendered cards are kept in a small shared cache.
func (p *Portal) cardHTML(lang string, rv *resultView) (template.HTML, error) {
	var key strings.Builder
	key.WriteString(lang)
	for _, s := range []string{rv.ID, string(rv.Status), rv.InfoURL, rv.ApplyURL, rv.CounsellingURL} {
		key.WriteString("\x00")
		key.WriteString(s)
	}
	for _, rs := range rv.Reasons {
		key.WriteString("\x00r")
		key.WriteString(rs.Text)
	}
	for _, m := range rv.Missing {
		key.WriteString("\x00m")
		key.WriteString(m.URL)
		key.WriteString(m.Label)
	}
	if rv.ApplyLive {
		key.WriteString("\x00live")
	}
	k := key.String()
	if card, ok := p.cards.get(k); ok {
		return card, nil
	}
	t, err := p.pages.page(lang, "finder-ergebnis")
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "resultcard", rv); err != nil {
		return "", fmt.Errorf("render result card %s: %w", rv.ID, err)
	}
	card := template.HTML(buf.String()) // produced by html/template: escaped
	p.cards.put(k, card)
	return card, nil
}
