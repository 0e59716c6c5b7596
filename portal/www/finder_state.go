package www

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sozialplattform/portal/finder"
	"sozialplattform/tenant/web"
)

// The finder keeps its answers on the citizen's device, in a cookie sealed
// with AES-256-GCM, not in the server's session table: the server stores
// nothing of them (data minimisation), every instance can read them (the
// key is derived from the configured data key), and a result page costs no
// database read. The cookie ends with the browser session, and the server
// ignores it after finderIdle without a change – as a session would.
const (
	finderCookie        = "sp_finder"
	finderCookieSecure  = "__Host-sp_finder"
	finderIdle          = 30 * time.Minute
	finderRefreshAfter  = 10 * time.Minute // a page view older than this re-seals, so reading keeps it alive
	maxFinderCookieSize = 3 << 10
)

// finderState is what the cookie holds: the answers and the form token of
// the finder's pages.
type finderState struct {
	Token   string
	Answers map[string]string
	Saved   int64 // Unix seconds of the last change
}

// marshal writes the state as lines: token, time, then "id=value" with
// the value query-escaped. Plainer and several times cheaper to read than
// JSON, which matters on the result page.
func (st finderState) marshal() []byte {
	b := make([]byte, 0, 64+24*len(st.Answers))
	b = append(b, st.Token...)
	b = append(b, '\n')
	b = strconv.AppendInt(b, st.Saved, 10)
	for id, v := range st.Answers {
		b = append(b, '\n')
		b = append(b, id...)
		b = append(b, '=')
		b = append(b, url.QueryEscape(v)...)
	}
	return b
}

func (st *finderState) unmarshal(b []byte) error {
	lines := strings.Split(string(b), "\n")
	if len(lines) < 2 {
		return errSealed
	}
	saved, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return errSealed
	}
	st.Token, st.Saved = lines[0], saved
	if len(lines) > 2 {
		st.Answers = make(map[string]string, len(lines)-2)
	}
	for _, l := range lines[2:] {
		id, raw, ok := strings.Cut(l, "=")
		v, err := url.QueryUnescape(raw)
		if !ok || err != nil {
			return errSealed
		}
		st.Answers[id] = v
	}
	return nil
}

// cookieSealer seals and opens the finder cookie.
type cookieSealer struct{ aead cipher.AEAD }

func newCookieSealer(key []byte) (*cookieSealer, error) {
	if len(key) == 0 {
		// Tests and single-instance development: a key for this process;
		// the citizen's answers then end with a restart.
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("portal cookie key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("portal cookie key: %w", err)
	}
	return &cookieSealer{aead: aead}, nil
}

// seal encrypts v; the cookie's name is the additional data, so a value
// cannot be moved to another cookie.
func (s *cookieSealer) seal(name string, plain []byte) string {
	out := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	_, _ = rand.Read(out)
	out = s.aead.Seal(out, out, plain, []byte(name))
	return base64.RawURLEncoding.EncodeToString(out)
}

var errSealed = errors.New("portal: sealed cookie is damaged or from another key")

func (s *cookieSealer) open(name, value string) ([]byte, error) {
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(raw) < s.aead.NonceSize()+s.aead.Overhead() {
		return nil, errSealed
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(raw[n:n], raw[:n], raw[n:], []byte(name))
	if err != nil {
		return nil, errSealed
	}
	return plain, nil
}

func (p *Portal) finderCookieName() string {
	if p.secure {
		return finderCookieSecure
	}
	return finderCookie
}

// finderState reads the cookie. A missing, damaged, foreign or idle cookie
// gives an empty state; fresh reports whether it was valid.
func (p *Portal) finderState(r *http.Request) (st finderState, fresh bool) {
	c, err := r.Cookie(p.finderCookieName())
	if err != nil || len(c.Value) > maxFinderCookieSize {
		return finderState{}, false
	}
	plain, err := p.sealer.open(c.Name, c.Value)
	if err != nil || st.unmarshal(plain) != nil || st.Token == "" {
		return finderState{}, false
	}
	if p.now().Sub(time.Unix(st.Saved, 0)) > finderIdle {
		return finderState{}, false
	}
	return st, true
}

// validAnswers drops anything that is not a valid answer, so that a cookie
// from an older rules version never breaks the finder.
func (p *Portal) validAnswers(st finderState) finder.Answers {
	out := finder.Answers{}
	for id, text := range st.Answers {
		if v, prob := p.rules.Normalize(id, text); prob == nil && v != "" {
			out[id] = v
		}
	}
	return out
}

// saveFinderState seals st into the cookie, with a new token if it has none.
func (p *Portal) saveFinderState(w http.ResponseWriter, st finderState) (finderState, error) {
	if st.Token == "" {
		st.Token = web.NewCSRFToken()
	}
	st.Saved = p.now().Unix()
	value := p.sealer.seal(p.finderCookieName(), st.marshal())
	if len(value) > maxFinderCookieSize {
		return st, errors.New("finder cookie: answers too large")
	}
	http.SetCookie(w, &http.Cookie{Name: p.finderCookieName(), Value: value, Path: "/", HttpOnly: true,
		Secure: p.secure, SameSite: http.SameSiteLaxMode})
	return st, nil
}

// saveAnswers replaces the answers of st, keeping its form token, and
// returns the state as sealed.
func (p *Portal) saveAnswers(w http.ResponseWriter, st finderState, a finder.Answers) (finderState, error) {
	st.Answers = map[string]string(a)
	if len(a) == 0 {
		st.Answers = nil
	}
	return p.saveFinderState(w, st)
}

// finderSession reads the finder cookie once and returns the state with
// the form token of the finder's pages, sealing a new cookie when there is
// none and refreshing an ageing one.
func (p *Portal) finderSession(w http.ResponseWriter, r *http.Request) (finderState, string, error) {
	st, ok := p.finderState(r)
	tok, err := p.tokenOf(w, st, ok)
	return st, tok, err
}

// tokenOf returns the form token of a state already read (see
// finderSession).
func (p *Portal) tokenOf(w http.ResponseWriter, st finderState, ok bool) (string, error) {
	if ok && p.now().Sub(time.Unix(st.Saved, 0)) < finderRefreshAfter {
		return st.Token, nil
	}
	st, err := p.saveFinderState(w, st)
	return st.Token, err
}

// checkFinderForm is checkForm for the finder's forms, whose token lives
// in the finder cookie; it returns the state it read.
func (p *Portal) checkFinderForm(w http.ResponseWriter, r *http.Request) (finderState, bool) {
	st, _ := p.finderState(r)
	return st, p.checkFormToken(w, r, st.Token)
}
