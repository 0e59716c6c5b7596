package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"sozialplattform/portal/finder"
)

// finderAnswers are one citizen's answers, by question ID.
var finderAnswers = map[string][]string{"partner": {"no"}, "children": {"1"}, "child_care": {"yes"}, "birth_year": {"1960"},
	"birth_month": {"3"}, "work_capacity": {"yes"}, "addiction": {"no"}, "education": {"none"}, "income_gross": {"800"},
	"income_net": {"1100"}, "current_benefits": {"none"}, "debts": {"yes"}, "rent": {"450"}, "rent_arrears": {"no"},
	"residence_status": {"german"}}

// finderResultTarget answers every page of the finder through the HTML
// forms, as a citizen without JavaScript does, and returns the request for
// the personal result page with the citizen's (sealed) answers cookie.
func finderResultTarget(ctx context.Context, base string) (vegeta.Target, error) {
	rules, err := finder.Load()
	if err != nil {
		return vegeta.Target{}, err
	}
	c := newFormClient(base)
	path := "/landkreis-harz/sozialleistungsfinder/"
	if err := c.fetchToken(ctx, path+"schritt/1"); err != nil {
		return vegeta.Target{}, err
	}
	for i, g := range rules.Groups() {
		form := url.Values{"aktion": {"weiter"}}
		for _, q := range g.Questions {
			if v, ok := finderAnswers[q.ID]; ok {
				form[q.ID] = v
			}
		}
		if _, err := c.post(ctx, path+"schritt/"+strconv.Itoa(i+1), form); err != nil {
			return vegeta.Target{}, fmt.Errorf("finder page %d: %w", i+1, err)
		}
	}
	u, _ := url.Parse(base)
	var cookies []string
	for _, ck := range c.http.Jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	return vegeta.Target{Method: "GET", URL: base + path + "ergebnis", Header: http.Header{"Cookie": {strings.Join(cookies, "; ")}}}, nil
}
