package core

import (
	"net/http"

	"sozialplattform/admin/ui"
)

// QueuePage lists every entry of one task of the start page's work list
// (ui.Task.Key): the page behind the task's count, so that the count and
// the list are one query's result. A task the person's list does not hold
// – without the right for it, or unknown – is not found.
func (c *Pages) QueuePage(w http.ResponseWriter, r *http.Request) {
	lists, err := c.Tasks(r)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	key := r.PathValue("key")
	for _, l := range lists {
		for _, t := range l.Tasks {
			if t.Key != "" && t.Key == key {
				c.Render(w, r, http.StatusOK, "arbeitsliste", &ui.View{Title: t.Label, Nav: "uebersicht", Data: t})
				return
			}
		}
	}
	c.NotFound(w, r)
}
