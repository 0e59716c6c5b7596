package ui

import (
	"net/http"

	"sozialplattform/tenant/authz"
)

// Task is one line of the start page's work list: what waits, how many,
// and the page where it is done. The ministry's list ("Aufgaben") counts
// across the Land; a municipality's ("Erste Schritte") names its next
// steps.
type Task struct {
	// Key names a task whose entries the console lists in full on
	// /admin/arbeitsliste/{Key} (QueuePath); tasks whose Href is already
	// a list filtered to exactly the counted entries have none.
	Key   string
	Label string
	Count int    // how many wait; with Step, ignored
	Href  string // where it is done
	Hint  string // one sentence on what to do
	// Step marks a step of a municipality's way to go live rather than a
	// count; Done says it is behind them.
	Step, Done bool
	// Items name the first entries (cases, products) with their own links.
	Items []TaskItem
	// More is how many entries beyond Items wait.
	More int
	// All are every entry of a task with a Key, as its full list shows
	// them; Count is len(All).
	All []TaskItem
	// Tool is the page where a keyed task's entries are worked on, when
	// that is not each entry's own link (the DVDV directory, the product
	// list).
	Tool *TaskItem
}

// QueuePath is the address of the full list of a task with key.
func QueuePath(key string) string { return "/admin/arbeitsliste/" + key }

// TaskItem is one entry of a task, with its link.
type TaskItem struct {
	Label, Href, Note string
}

// Limit fills Items with the first n entries of All and More with the
// rest, for the start page.
func (t *Task) Limit(n int) {
	t.Items, t.More = nil, 0
	for i, it := range t.All {
		if i == n {
			t.More = len(t.All) - n
			break
		}
		t.Items = append(t.Items, it)
	}
}

// TaskList is the work list of one audience on the start page.
type TaskList struct {
	Heading string // "Aufgaben des Ministeriums", "Erste Schritte: Landkreis Stendal"
	Intro   string
	Tasks   []Task
}

// TaskSource contributes the work lists of the request's person; it
// returns none for someone the lists do not concern.
type TaskSource func(r *http.Request) ([]TaskList, error)

// AddTasks adds a work-list source for the start page. Call it at start,
// before serving.
func (c *Shell) AddTasks(src TaskSource) { c.tasks = append(c.tasks, src) }

// Tasks gathers the work lists of the request's person from every source.
func (c *Shell) Tasks(r *http.Request) ([]TaskList, error) {
	var out []TaskList
	for _, src := range c.tasks {
		lists, err := src(r)
		if err != nil {
			return nil, err
		}
		out = append(out, lists...)
	}
	return out, nil
}

// IsMinistry reports whether the request's person holds the right obj/act
// at the Land (the root of the hierarchy): the ministry's view.
func (c *Shell) IsMinistry(r *http.Request, obj, act string) bool {
	for _, id := range c.Authz.Tenants(authz.PrincipalFrom(r.Context()), obj, act) {
		if c.Authz.IsRoot(id) {
			return true
		}
	}
	return false
}
