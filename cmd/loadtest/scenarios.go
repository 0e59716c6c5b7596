package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// scenario prepares the requests of one kind of user.
type scenario struct {
	description string
	targets     func(ctx context.Context, c *setupClient) ([]vegeta.Target, error)
	// once: every target is sent exactly once (no replays, redirects not
	// followed); the attack ends early when they are used up.
	once bool
}

// scenarios are what the load test can drive.
var scenarios = map[string]scenario{
	"citizen-finder": {
		description: "Bürgerinnen und Bürger besuchen das Portal, beantworten den Sozialleistungsfinder und lesen ihr Ergebnis",
		targets:     finderTargets,
	},
	"citizen-applications": {
		description: "Bürgerinnen und Bürger senden ausgefüllte HzL-Anträge ab (Servicekonto der Demo; je Entwurf eine Anfrage)",
		once:        true,
		targets: func(ctx context.Context, c *setupClient) ([]vegeta.Target, error) {
			targets, note, err := submissionTargets(ctx, c.base, c.citizenEmail, c.password, c.applications)
			if note != "" {
				c.notes = append(c.notes, note)
			}
			return targets, err
		},
	},
	"ministry-dashboard": {
		description: "Das Ministerium öffnet den Umsetzungsstand (Konsole und API)",
		targets:     dashboardTargets,
	},
	"api-tenants": {
		description: "API-Clients listen Körperschaften seitenweise (Bearer-Token des Ministeriums): erste Seite, eine Folgeseite per Cursor, Filter, 500 auf einmal",
		targets:     apiTenantTargets,
	},
	"mixed": {
		description: "Alle lesenden Szenarien zugleich, Anfrage um Anfrage gemischt: citizen-finder (6 Ziele), ministry-dashboard (2), api-tenants (4)",
		targets: func(ctx context.Context, c *setupClient) ([]vegeta.Target, error) {
			var all []vegeta.Target
			for _, f := range []func(context.Context, *setupClient) ([]vegeta.Target, error){finderTargets, dashboardTargets, apiTenantTargets} {
				t, err := f(ctx, c)
				if err != nil {
					return nil, err
				}
				all = append(all, t...)
			}
			return all, nil
		},
	},
}

func finderTargets(ctx context.Context, c *setupClient) ([]vegeta.Target, error) {
	answers := []byte(`{"answers":{"partner":false,"children":1,"birth_year":1960,"birth_month":3,"work_capacity":"yes",` +
		`"income_net":1100,"rent":450,"residence_status":"german"}}`)
	if err := c.do(ctx, "POST", "/api/v1/finder/evaluate", json.RawMessage(answers), nil); err != nil {
		return nil, fmt.Errorf("finder answers rejected: %w", err)
	}
	result, err := finderResultTarget(ctx, c.base)
	if err != nil {
		return nil, err
	}
	h := http.Header{"Content-Type": {"application/json"}}
	return []vegeta.Target{
		{Method: "GET", URL: c.base + "/"},
		{Method: "GET", URL: c.base + "/landkreis-harz/"},
		{Method: "GET", URL: c.base + "/landkreis-harz/leistungen/hzl"},
		{Method: "GET", URL: c.base + "/landkreis-harz/sozialleistungsfinder/"},
		result,
		{Method: "POST", URL: c.base + "/api/v1/finder/evaluate", Body: answers, Header: h},
	}, nil
}

func dashboardTargets(ctx context.Context, c *setupClient) ([]vegeta.Target, error) {
	h, err := c.sessionHeader(ctx)
	if err != nil {
		return nil, err
	}
	return []vegeta.Target{
		{Method: "GET", URL: c.base + "/admin/rollout", Header: h},
		{Method: "GET", URL: c.base + "/api/v1/rollout", Header: h},
	}, nil
}

func apiTenantTargets(ctx context.Context, c *setupClient) ([]vegeta.Target, error) {
	token, err := c.apiToken(ctx)
	if err != nil {
		return nil, err
	}
	// A later page is reached the way a client reaches it: by the
	// next link of the page before.
	var first struct {
		Next string `json:"next"`
	}
	if err := c.do(ctx, "GET", "/api/v1/tenants?limit=10", nil, &first); err != nil {
		return nil, err
	}
	if first.Next == "" {
		return nil, fmt.Errorf("GET /api/v1/tenants?limit=10 has no next page: load the demo data (serve --demo)")
	}
	h := http.Header{"Authorization": {"Bearer " + token}}
	return []vegeta.Target{
		{Method: "GET", URL: c.base + "/api/v1/tenants", Header: h},
		{Method: "GET", URL: c.base + first.Next, Header: h},
		{Method: "GET", URL: c.base + "/api/v1/tenants?kind=landkreis", Header: h},
		{Method: "GET", URL: c.base + "/api/v1/tenants?limit=500", Header: h},
	}, nil
}

func scenarioNames() []string {
	names := make([]string, 0, len(scenarios))
	for n := range scenarios {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// setupClient logs in and prepares credentials before the attack.
type setupClient struct {
	base            string
	http            *http.Client
	email, password string
	citizenEmail    string
	applications    int      // drafts to prepare for citizen-applications
	notes           []string // what the report should mention
	loggedIn        bool
}

func (c *setupClient) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

func (c *setupClient) login(ctx context.Context) error {
	if c.loggedIn {
		return nil
	}
	jar, _ := cookiejar.New(nil)
	c.http.Jar = jar
	if err := c.do(ctx, "POST", "/api/v1/session", map[string]string{"email": c.email, "password": c.password}, nil); err != nil {
		return fmt.Errorf("login as %s (start the server with --demo): %w", c.email, err)
	}
	c.loggedIn = true
	return nil
}

// sessionHeader returns the Cookie header of the logged-in session.
func (c *setupClient) sessionHeader(ctx context.Context) (http.Header, error) {
	if err := c.login(ctx); err != nil {
		return nil, err
	}
	u, _ := url.Parse(c.base)
	h := http.Header{}
	for _, ck := range c.http.Jar.Cookies(u) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	return h, nil
}

// apiToken creates a token for the login's first tenant.
func (c *setupClient) apiToken(ctx context.Context) (string, error) {
	if err := c.login(ctx); err != nil {
		return "", err
	}
	var me struct {
		Memberships []struct {
			TenantID string `json:"tenantId"`
			Role     string `json:"role"`
		} `json:"memberships"`
	}
	if err := c.do(ctx, "GET", "/api/v1/me", nil, &me); err != nil {
		return "", err
	}
	if len(me.Memberships) == 0 {
		return "", fmt.Errorf("%s has no membership", c.email)
	}
	m := me.Memberships[0]
	var tok struct {
		Secret string `json:"secret"`
	}
	if err := c.do(ctx, "POST", "/api/v1/tenants/"+m.TenantID+"/tokens", map[string]string{"name": "Lasttest", "role": m.Role}, &tok); err != nil {
		return "", err
	}
	return tok.Secret, nil
}
