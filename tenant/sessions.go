package tenant

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant/clock"
	"sozialplattform/tenant/secret"
)

// SessionOptions configure login sessions.
type SessionOptions struct {
	// Secure is true when the base URL is https: the cookie then carries
	// the Secure flag and the __Host- prefix.
	Secure          bool
	IdleTimeout     time.Duration // default 30 minutes
	AbsoluteTimeout time.Duration // default 12 hours
	Now             func() time.Time
}

// SessionStore keeps gorilla/sessions sessions in the database, so that
// logout and revocation take effect on the server at once and every
// instance knows every session. The cookie holds only a random ID; the
// database holds its hash.
type SessionStore struct {
	db   *migrations.DB
	opts SessionOptions
}

type sessionRow struct {
	bun.BaseModel `bun:"table:sessions"`

	IDHash     string    `bun:"id_hash,pk"`
	UserID     *string   `bun:"user_id"`
	Data       string    `bun:"data"`
	CreatedAt  time.Time `bun:"created_at"`
	LastSeenAt time.Time `bun:"last_seen_at"`
	ExpiresAt  time.Time `bun:"expires_at"`
}

// Session value keys the platform uses.
const (
	SessionUserID    = "uid"
	SessionCSRF      = "csrf"
	sessionCreatedAt = "_created"
	sessionSeenAt    = "_seen"
)

// NewSessionStore returns a store on db.
func NewSessionStore(db *migrations.DB, opts SessionOptions) *SessionStore {
	if opts.IdleTimeout == 0 {
		opts.IdleTimeout = 30 * time.Minute
	}
	if opts.AbsoluteTimeout == 0 {
		opts.AbsoluteTimeout = 12 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &SessionStore{db: db, opts: opts}
}

// CookieName is "__Host-sozialplattform" over https (the browser then
// insists on Secure, Path=/ and no Domain) and "sozialplattform" otherwise.
func (st *SessionStore) CookieName() string {
	if st.opts.Secure {
		return "__Host-sozialplattform"
	}
	return "sozialplattform"
}

func (st *SessionStore) cookieOptions() *sessions.Options {
	return &sessions.Options{
		Path:     "/",
		MaxAge:   0, // a browser-session cookie; the server enforces the timeouts
		Secure:   st.opts.Secure,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
}

func (st *SessionStore) now() time.Time { return clock.Stamp(st.opts.Now()) }

// Get returns the request's session, cached for the request.
func (st *SessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(st, name)
}

// New loads the session the request's cookie names, or starts a new one.
func (st *SessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	s := sessions.NewSession(st, name)
	s.Options = st.cookieOptions()
	s.IsNew = true
	c, err := r.Cookie(name)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return s, nil
	}
	var row sessionRow
	if err := st.db.Read.NewSelect().Model(&row).Where("id_hash = ?", secret.Hash(c.Value)).Scan(r.Context()); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return s, nil // unknown or deleted: a fresh session
		}
		// The database did not answer: say so rather than treating a
		// logged-in user as anonymous.
		return s, fmt.Errorf("load session: %w", err)
	}
	if !st.now().Before(row.ExpiresAt) {
		return s, nil
	}
	values := map[string]any{}
	if err := json.Unmarshal([]byte(row.Data), &values); err != nil {
		return s, nil
	}
	for k, v := range values {
		s.Values[k] = v
	}
	s.Values[sessionCreatedAt] = row.CreatedAt.Unix()
	s.Values[sessionSeenAt] = row.LastSeenAt.Unix()
	s.ID = c.Value
	s.IsNew = false
	return s, nil
}

// Save writes the session and sets its cookie; a negative MaxAge deletes it.
func (st *SessionStore) Save(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	ctx := r.Context()
	if s.Options != nil && s.Options.MaxAge < 0 {
		if s.ID != "" {
			if _, err := st.db.Write.NewDelete().Model((*sessionRow)(nil)).Where("id_hash = ?", secret.Hash(s.ID)).Exec(ctx); err != nil {
				return fmt.Errorf("delete session: %w", err)
			}
		}
		http.SetCookie(w, sessions.NewCookie(s.Name(), "", s.Options))
		return nil
	}
	now := st.now()
	created := now
	if v, ok := s.Values[sessionCreatedAt].(int64); ok && s.ID != "" {
		created = time.Unix(v, 0).UTC()
	}
	values := map[string]any{}
	for k, v := range s.Values {
		if key, ok := k.(string); ok && key != sessionCreatedAt && key != sessionSeenAt {
			values[key] = v
		}
	}
	data, err := json.Marshal(values)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	expires := now.Add(st.opts.IdleTimeout)
	if abs := created.Add(st.opts.AbsoluteTimeout); abs.Before(expires) {
		expires = abs
	}
	if s.ID == "" {
		s.ID = secret.New()
	}
	row := &sessionRow{IDHash: secret.Hash(s.ID), Data: string(data), CreatedAt: created, LastSeenAt: now, ExpiresAt: expires}
	if uid, ok := values[SessionUserID].(string); ok && uid != "" {
		row.UserID = &uid
	}
	if _, err := st.db.Write.NewInsert().Model(row).On("CONFLICT (id_hash) DO UPDATE").
		Set("user_id = EXCLUDED.user_id").Set("data = EXCLUDED.data").
		Set("last_seen_at = EXCLUDED.last_seen_at").Set("expires_at = EXCLUDED.expires_at").Exec(ctx); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	s.Values[sessionCreatedAt] = created.Unix()
	s.Values[sessionSeenAt] = now.Unix()
	s.IsNew = false
	http.SetCookie(w, sessions.NewCookie(s.Name(), s.ID, s.Options))
	return nil
}

// Rotate gives the session a new ID (at login), so that an ID planted
// before login is worthless after it. The old row is deleted.
func (st *SessionStore) Rotate(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	if s.ID != "" {
		if _, err := st.db.Write.NewDelete().Model((*sessionRow)(nil)).Where("id_hash = ?", secret.Hash(s.ID)).Exec(r.Context()); err != nil {
			return fmt.Errorf("rotate session: %w", err)
		}
	}
	s.ID = ""
	delete(s.Values, sessionCreatedAt)
	return st.Save(r, w, s)
}

// Destroy ends a session on the server and clears the cookie.
func (st *SessionStore) Destroy(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	s.Options.MaxAge = -1
	return st.Save(r, w, s)
}

// NeedsTouch reports whether the session's last-seen time is old enough to
// be worth a write; saving on every request would turn reads into writes.
func (st *SessionStore) NeedsTouch(s *sessions.Session) bool {
	seen, ok := s.Values[sessionSeenAt].(int64)
	return !ok || st.now().Sub(time.Unix(seen, 0)) > time.Minute
}

// DeleteExpired removes sessions past their expiry; a job calls it.
func (st *SessionStore) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := st.db.Write.NewDelete().Model((*sessionRow)(nil)).Where("expires_at < ?", st.now()).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
